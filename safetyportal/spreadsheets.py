"""Safe spreadsheets: the one place where django-import-export's unsafe defaults are changed.

- Imports are all or nothing: any invalid row rolls the whole file back (the library commits the valid rows and
  skips the bad ones unless ``rollback_on_validation_errors`` is passed, which its two-step admin path does not do).
- Every bad row is reported with its spreadsheet row number, column and reason, in Chinese.
- An import never reads or writes a row outside the importing user's scope.
- Every export path (admin, worker, management command) neutralises cells that a spreadsheet program would run as a
  formula: a leading ``= + - @``, tab or carriage return gets an apostrophe, and imports take it off again so that a
  round trip keeps the visible text.
- Spreadsheet files are inspected before parsing: too large, too many parts or macros are refused.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from import_export.results import Result
from import_export.signals import post_export

from .admin_base import StrictQueryStringMixin
from .scoping import in_scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

# Limits on spreadsheet files, checked before openpyxl parses anything (zip bombs, entity expansion, huge books).
MAX_XLSX_BYTES = 30 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_XLSX_ENTRIES = 2_000
MAX_ROWS = 200_000


def neutralise(value: Any) -> Any:
    """Make a cell inert for spreadsheet programs (CSV and XLSX alike). Lazy translations become plain text."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return ESCAPE + value
    return value


def restore(value: Any) -> Any:
    """Undo ``neutralise`` on import."""
    if isinstance(value, str) and value.startswith(ESCAPE) and value[1:2] and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def neutralise_rows(rows: Iterable[Iterable[Any]]) -> list[list[Any]]:
    return [[neutralise(cell) for cell in row] for row in rows]


def column_name(text: StrOrPromise) -> str:
    """A column name for ``fields.Field``, usually a lazy translation: import-export makes it text when it reads or
    writes a sheet (in the language of that request); its stubs ask for ``str``."""
    return cast(str, text)


# Characters Excel refuses in a sheet name (which is at most 31 characters long).
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def sheet_title(text: StrOrPromise) -> str:
    """A workbook sheet name from a Chinese title (the model's verbose_name_plural), never "Tablib Dataset"."""
    return _SHEET_NAME_FORBIDDEN.sub("－", str(text)).strip()[:31] or "Sheet1"


def export_filename(stem: StrOrPromise, extension: str, day: date | None = None) -> str:
    """``活动报送-2026-12-06.xlsx``: the Chinese name of what is exported and the local date."""
    day = day or timezone.localdate()
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "－", str(stem)).strip() or _("导出")
    return f"{safe}-{day:%Y-%m-%d}.{extension.lstrip('.')}"


def attachment_response(data: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 5987 ``filename*``, with an ASCII fallback for old clients)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class SpreadsheetRejected(ValueError):
    """A file refused before parsing, with a message for the user."""


def inspect_xlsx(data: bytes) -> None:
    if len(data) > MAX_XLSX_BYTES:
        raise SpreadsheetRejected(_("文件过大（超过30MB），请拆分后再导入。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetRejected(_("文件不是有效的Excel（.xlsx）文件。")) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_XLSX_ENTRIES:
            raise SpreadsheetRejected(_("Excel文件包含的部件过多，已拒绝导入。"))
        if sum(entry.file_size for entry in entries) > MAX_XLSX_UNCOMPRESSED:
            raise SpreadsheetRejected(_("Excel文件解压后过大，已拒绝导入。"))
        names = {entry.filename.lower() for entry in entries}
        if any(name.endswith("vbaproject.bin") for name in names):
            raise SpreadsheetRejected(_("不接受包含宏的Excel文件，请另存为普通.xlsx后再导入。"))
        if "xl/workbook.xml" not in names:
            raise SpreadsheetRejected(_("文件不是有效的Excel（.xlsx）文件。"))


class SafeXLSX(base_formats.XLSX):
    # The library hands over the file's bytes. (The stubs' own XLSX.create_dataset narrows its parents' signature.)
    def create_dataset(self, in_stream: bytes) -> Any:  # type: ignore[override]
        inspect_xlsx(in_stream)
        dataset = super().create_dataset(in_stream)
        if len(dataset) > MAX_ROWS:
            raise SpreadsheetRejected(_("行数超过上限（%(max)s行），请拆分后再导入。") % {"max": MAX_ROWS})
        return dataset


class SafeCSV(base_formats.CSV):
    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        if isinstance(in_stream, bytes):
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    in_stream = in_stream.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise SpreadsheetRejected(_("无法识别文件编码，请另存为UTF-8编码的CSV文件。"))
        if "\x00" in in_stream:
            raise SpreadsheetRejected(_("文件包含无效字符（NUL），请检查文件。"))
        dataset = super().create_dataset(in_stream, **kwargs)
        if len(dataset) > MAX_ROWS:
            raise SpreadsheetRejected(_("行数超过上限（%(max)s行），请拆分后再导入。") % {"max": MAX_ROWS})
        return dataset


SPREADSHEET_FORMATS: list[type[base_formats.Format]] = [SafeXLSX, SafeCSV]


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a natural key (e.g. a jurisdiction code), with a Chinese message when unknown."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value in (None, ""):
            return None
        value = str(value).strip()
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(
                _("未找到%(model)s“%(value)s”。") % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


@dataclass(frozen=True)
class ImportProblem:
    row: int  # the spreadsheet's row number, header = row 1
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第%(row)s行，“%(column)s”：%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("第%(row)s行：%(message)s") % {"row": self.row, "message": self.message}


class ChoicesWidget(widgets.Widget):
    """A choice field read as either its stored value or its Chinese label, and exported as the label."""

    def __init__(self, choices: Iterable[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.labels = {str(value): str(label) for value, label in choices}
        self.values = {label: value for value, label in self.labels.items()}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value in (None, ""):
            return ""
        text = str(value).strip()
        if text in self.labels:
            return text
        if text in self.values:
            return self.values[text]
        raise ValueError(
            _("“%(value)s”不是有效的选项，可选：%(options)s。") % {"value": text, "options": "、".join(self.values)}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return self.labels.get(str(value), value if value is not None else "")


class ExcelDateWidget(widgets.DateWidget):
    """A date exported as a real Excel date (CSV: 2026-12-06), read from a date cell or text, errors in Chinese."""

    def __init__(self, format: str | None = None, coerce_to_string: bool = False) -> None:
        super().__init__(format, coerce_to_string=False)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, datetime):  # an Excel date cell
            return value.date()
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s”不是有效的日期，应为“年-月-日”格式，例如 2026-12-06（也可以是Excel的日期单元格）。")
                % {"value": value}
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return value if isinstance(value, date) else ""


class ExcelDateTimeWidget(widgets.DateTimeWidget):
    """A date and time exported as a real Excel date-time in Asia/Shanghai (Excel has no time zones)."""

    def __init__(self, format: str | None = None, coerce_to_string: bool = False) -> None:
        super().__init__(format, coerce_to_string=False)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, datetime):  # an Excel date-time cell: local time
            return timezone.make_aware(value) if timezone.is_naive(value) else value
        if isinstance(value, date):
            return timezone.make_aware(datetime(value.year, value.month, value.day))
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s”不是有效的日期时间，应为“年-月-日 时:分”格式，例如 2026-12-06 17:30。") % {"value": value}
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if not isinstance(value, datetime):
            return ""
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


class SafeDecimalWidget(widgets.DecimalWidget):
    """A number with a Chinese error (the library lets decimal's own ``[<class 'decimal.ConversionSyntax'>]`` out)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except (ArithmeticError, ValueError, TypeError):
            raise ValueError(_("“%(value)s”不是有效的数字，例如 12 或 3.5。") % {"value": value}) from None


_CJK = re.compile(r"[\u3400-\u9fff]")


class SafeModelResource(resources.ModelResource):
    """Base for every resource in the project: Chinese column names, choice labels, model validation, scope."""

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    @classmethod
    def field_from_django_field(cls, field_name: str, django_field: Any, readonly: bool) -> Any:
        field = super().field_from_django_field(field_name, django_field, readonly)
        field.column_name = str(getattr(django_field, "verbose_name", field_name))
        if getattr(django_field, "choices", None):
            field.widget = ChoicesWidget(django_field.choices)
        elif isinstance(django_field, models.DateTimeField):
            field.widget = ExcelDateTimeWidget()
        elif isinstance(django_field, models.DateField):
            field.widget = ExcelDateWidget()
        elif isinstance(django_field, models.DecimalField):
            field.widget = SafeDecimalWidget(coerce_to_string=field.widget.coerce_to_string)
        return field

    @classmethod
    def get_display_name(cls) -> str:
        """Shown on the import and export pages: the Chinese name of the rows, never the class name."""
        name = getattr(cls._meta, "name", None)
        if name:
            return str(name)
        model = cast(Any, cls._meta.model)
        return str(model._meta.verbose_name_plural) if model is not None else _("数据")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self._use_excel_date_widgets()

    def _use_excel_date_widgets(self) -> None:
        """Declared fields naming a date attribute without a widget of their own get the Excel date widgets too."""
        model = cast(Any, self._meta.model)
        if model is None:
            return
        for field in self.fields.values():
            if type(field.widget) not in (widgets.Widget, widgets.DateWidget, widgets.DateTimeWidget):
                continue
            if not field.attribute or "__" in field.attribute:
                continue
            try:
                django_field = model._meta.get_field(field.attribute)
            except FieldDoesNotExist:  # a property or a dehydrated column
                continue
            if isinstance(django_field, models.DateTimeField):
                field.widget = ExcelDateTimeWidget()
            elif isinstance(django_field, models.DateField):
                field.widget = ExcelDateWidget()

    # Importing ---------------------------------------------------------------------------------------------------
    def import_data(
        self,
        dataset: Any,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs: Any,
    ) -> Result:
        """All or nothing, whatever the caller asks: in a transaction, rolled back on any invalid row."""
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for key, value in list(row.items()):
            row[key] = restore(value.strip() if isinstance(value, str) else value)
        super().before_import_row(row, **kwargs)

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        instance = super().get_instance(instance_loader, row)
        if instance is not None and not self.instance_in_scope(instance):
            raise ValidationError(_("该行对应的记录不属于您的管辖范围，不能导入。"))
        return instance

    def validate_instance(self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True):
        errors = dict(import_validation_errors or {})
        if not errors and not self.instance_in_scope(instance):
            errors[NON_FIELD_ERRORS] = [_("该行的所属区划不在您的管辖范围内。")]
        super().validate_instance(instance, errors, validate_unique)

    def instance_in_scope(self, instance: Any) -> bool:
        """Whether the row's jurisdiction lies inside the importing user's scope (no user: a trusted caller)."""
        if self.user is None:
            return True
        path = getattr(type(instance), "scope_path", "jurisdiction")
        target = instance
        for part in [p for p in path.split("__") if p]:
            target = getattr(target, part, None)
            if target is None:
                return False
        return in_scope(self.user, target)

    # Exporting ---------------------------------------------------------------------------------------------------
    def export_rows(self, queryset: Any, **kwargs: Any) -> Iterator[list[Any]]:
        """What ``export()`` puts in a Dataset (the header row first, then one row per object, every cell
        neutralised), yielded row by row and read in chunks of ``EXPORT_CHUNK_ROWS``, so nothing holds them all."""
        self.before_export(queryset, **kwargs)
        if queryset is None:
            queryset = self.get_queryset()
        queryset = self.filter_export(queryset, **kwargs)
        export_fields = kwargs.get("export_fields")
        yield self.get_export_headers(selected_fields=export_fields)
        if isinstance(queryset, QuerySet) and not getattr(queryset, "_prefetch_related_lookups", ()):
            objects: Iterable[Any] = queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS)
        else:
            objects = self.iter_queryset(queryset)
        if type(self).export_resource is not SafeModelResource.export_resource:  # a resource with its own rows
            for obj in objects:
                yield self.export_resource(obj, selected_fields=export_fields, **kwargs)
            return
        columns = self.get_export_fields(export_fields)  # once, not for every row as export_resource() does
        for obj in objects:
            yield ["" if value is None else neutralise(value) for value in (
                self.export_field(column, obj, **kwargs) for column in columns
            )]  # fmt: skip

    def export(self, queryset: Any = None, **kwargs: Any) -> Any:
        dataset = super().export(queryset=queryset, **kwargs)
        dataset.title = sheet_title(self.get_display_name())
        return dataset

    def export_resource(self, instance: Any, selected_fields: Any = None, **kwargs: Any) -> list[Any]:
        return [
            "" if value is None else neutralise(value)
            for value in super().export_resource(instance, selected_fields, **kwargs)
        ]

    def get_export_headers(self, selected_fields: Any = None) -> list[str]:
        return [neutralise(header) for header in super().get_export_headers(selected_fields)]

    # Reporting ---------------------------------------------------------------------------------------------------
    def column_label(self, field_name: str) -> str:
        field = self.fields.get(field_name)
        if field is not None and field.column_name:
            return str(field.column_name)
        for candidate in self.fields.values():
            if candidate.attribute == field_name:
                return str(candidate.column_name)
        return field_name


# Exports: above this many rows the admin streams the file (CSV row by row; XLSX written in openpyxl's write-only mode
# to a temporary file, then streamed), so a 50,000-row export holds neither a Dataset nor a whole workbook in memory.
STREAM_EXPORT_ROWS = 2_000
EXPORT_CHUNK_ROWS = 2_000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose write() hands the line back (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[Iterable[Any]], *, lines_per_chunk: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (Excel then reads the Chinese right), ``lines_per_chunk`` lines a chunk."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow(["" if cell is None else cell for cell in row]))
        if len(lines) >= lines_per_chunk:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_xlsx(rows: Iterable[Iterable[Any]], *, title: StrOrPromise, target: Any) -> None:
    """A one-sheet workbook in openpyxl's write-only mode (rows go to disk as they come): the sheet named ``title``
    (``sheet_title``), the first row bold and frozen, dates as real Excel dates. ``target``: a path or binary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    first = True
    for row in rows:
        values = [_xlsx_cell(cell) for cell in row]
        if first:
            first = False
            for index, header in enumerate(values, start=1):  # widths must be set before the first row
                letter = sheet.column_dimensions[_column_letter(index)]
                letter.width = max(10, min(40, len(str(header)) * 2 + 4))
            header_cells = []
            for header in values:
                cell = WriteOnlyCell(sheet, value=header)
                cell.font = bold
                header_cells.append(cell)
            sheet.append(header_cells)
            continue
        sheet.append(values)
    book.save(target)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def streamed_export(
    rows: Iterable[Iterable[Any]], *, file_format: Any, title: StrOrPromise, filename: str, stream: bool
) -> HttpResponse | StreamingHttpResponse:
    """The export response: streamed when ``stream`` (CSV chunk by chunk as rows are read; XLSX from a temporary file,
    deleted when closed), else the same bytes in one ``HttpResponse`` (small exports)."""
    if isinstance(file_format, base_formats.XLSX):
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, which deletes it)
        try:
            write_xlsx(rows, title=title, target=spool)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        if not stream:
            with spool:
                return attachment_response(spool.read(), filename=filename, content_type=XLSX_CONTENT_TYPE)
        response: HttpResponse | StreamingHttpResponse = FileResponse(
            spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )
    elif not stream:
        return attachment_response(b"".join(csv_chunks(rows)), filename=filename, content_type=CSV_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(csv_chunks(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def describe_problems(resource: SafeModelResource, result: Any) -> list[ImportProblem]:
    """Every bad row of an import result as (spreadsheet row, column, reason), in file order."""
    problems: list[ImportProblem] = []
    for error in result.base_errors:
        message = str(error.error)
        if "import_id_fields" in message:
            expected = "、".join(resource.column_label(name) for name in resource.get_import_id_fields())
            message = _("表头缺少必需的列：%(columns)s。请使用导出的模板填写。") % {"columns": expected}
        problems.append(ImportProblem(row=1, column="", message=message))
    for invalid in result.invalid_rows:
        for field_name, messages_ in invalid.error_dict.items():
            column = "" if field_name == NON_FIELD_ERRORS else resource.column_label(field_name)
            for message in messages_:
                problems.append(ImportProblem(row=invalid.number + 1, column=column, message=str(message)))
    for error_row in result.error_rows:
        for error in error_row.errors:
            message = str(error.error)
            if not _CJK.search(message):  # an exception of a library, in English or as a class name
                message = _("该行无法导入，请检查各列的格式（数字、日期、选项）是否正确。")
            problems.append(ImportProblem(row=error_row.number + 1, column="", message=message))
    problems.sort(key=lambda p: p.row)
    return problems


class ChineseExportForm(SelectableFieldsExportForm):
    """The export field picker lists each column by its Chinese name only ("报送编号", not "Id (报送编号)")."""

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and field.column_name:
            return str(field.column_name)
        return field_name


# django-stubs and the import-export stubs disagree on change_list_template (str | None against str) and on model.
class SafeImportExportAdmin(StrictQueryStringMixin, ImportExportModelAdmin):  # type: ignore[misc]
    """ModelAdmin base for every model with spreadsheet import or export (and, like every admin, strict filters)."""

    formats = SPREADSHEET_FORMATS
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
    export_form_class = ChineseExportForm
    import_template_name = "admin/import_export/safe_import.html"
    max_problems_shown = 200

    # The admin's get_export_filename takes the request and queryset too (the stubs know only the mixin's).
    def get_export_filename(  # type: ignore[override]
        self, request: HttpRequest, queryset: Any, file_format: Any
    ) -> str:
        return export_filename(str(self.opts.verbose_name_plural), file_format.get_extension())

    def _do_file_export(self, file_format: Any, request: HttpRequest, queryset: Any, export_form: Any = None) -> Any:
        """The library's export (resource, selected columns, Chinese headers, neutralised cells, sheet and file name)
        written row by row instead of through a Dataset: above ``STREAM_EXPORT_ROWS`` rows the response is streamed
        (``streamed_export``), so memory stays bounded however many rows there are."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        export_class: Any = self.choose_export_resource_class(export_form, request)
        resource = export_class(**self.get_export_resource_kwargs(request, export_form=export_form))
        is_xlsx = isinstance(file_format, base_formats.XLSX)
        rows = resource.export_rows(
            queryset,
            export_fields=cast(Any, self).get_export_resource_fields_from_form(export_form),
            export_form=export_form,
            force_native_type=is_xlsx,
        )
        stream = not isinstance(queryset, QuerySet) or queryset.count() > STREAM_EXPORT_ROWS
        response = streamed_export(
            rows,
            file_format=file_format,
            title=resource.get_display_name(),
            filename=self.get_export_filename(request, queryset, file_format),
            stream=stream,
        )
        post_export.send(sender=None, model=self.model)
        return response

    def has_import_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        data_kwargs = super().get_import_data_kwargs(**kwargs)
        data_kwargs["rollback_on_validation_errors"] = True
        return data_kwargs

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        resource_kwargs["user"] = request.user
        return resource_kwargs

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        resource_kwargs = super().get_export_resource_kwargs(request, **kwargs)
        resource_kwargs["user"] = request.user
        return resource_kwargs

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        if isinstance(e, SpreadsheetRejected):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("无法读取文件，请确认文件格式正确（支持.xlsx和UTF-8编码的.csv）。"))

    def import_action(self, request: HttpRequest, **kwargs: Any) -> Any:
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result") if hasattr(response, "context_data") else None
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            resource = self.get_import_resource_classes(request)[0](user=request.user)
            if not isinstance(resource, SafeModelResource):
                raise TypeError(f"{type(resource).__name__}: a SafeImportExportAdmin imports with a SafeModelResource")
            problems = describe_problems(resource, result)
            cast(dict[str, Any], response.context_data)["import_problems"] = problems[: self.max_problems_shown]
            # The page also lists the library's own errors: show file-level ones in Chinese, without tracebacks.
            file_level = [p for p in problems if p.row == 1 and not p.column]
            for error, problem in zip(result.base_errors, file_level, strict=False):
                error.error = problem.message
                error.traceback = ""
            messages.error(
                request,
                _("导入失败，未导入任何数据。共%(count)s处错误，请修改后重新导入：") % {"count": len(problems)},
            )
            for problem in problems[: self.max_problems_shown]:
                messages.error(request, str(problem))
        return response
