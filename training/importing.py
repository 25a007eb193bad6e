"""The fast bulk import of certificates and enrolment results from .xlsx (tens of thousands of rows).

django-import-export spends five queries and a model diff per row; this path follows benchmarks/training.py and
/work/shared/PERFORMANCE.md instead:

- the file is inspected (``inspect_xlsx``) and then streamed with openpyxl in read-only mode, values only;
- every row is validated and *all* problems are collected, each with its spreadsheet row number and column;
- foreign keys come from natural-key → id dicts (enterprises in one query; the people and certificates of each batch
  of 1,000 rows in one query each), so the number of queries grows with batches, never with rows;
- duplicates are found inside the file and against the database;
- nothing is written unless every row is valid, and then everything is written in one transaction with
  ``bulk_create`` in batches of 1,000 (all or nothing).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from safetyportal.models import Enterprise, Gender, Person
from safetyportal.spreadsheets import MAX_ROWS, ImportProblem, SpreadsheetRejected, inspect_xlsx, restore
from safetyportal.validators import (
    EXCEL_NUMBER_MESSAGE,
    PROVINCE_CODES,
    id_check_digit,
    is_spreadsheet_number,
    normalize_id_number,
    validate_id_number,
)

from .models import (
    ENDED_STATUSES,
    ITEM_CATEGORY,
    Certificate,
    CertificateSource,
    Enrolment,
    EnrolmentResult,
    ImportJob,
    ImportKind,
    OperationCategory,
    OperationItem,
    TrainingSession,
    default_authority,
)

BATCH = 1_000
BYTES_PER_ROW_GUESS = 150  # a small row of XML: a low guess sends big files to the worker
PASS_MARK = Decimal(80)

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    total_rows: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


# Cell parsing ------------------------------------------------------------------------------------------------------

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_ITEM_BY_TEXT = {
    **{str(label): value for value, label in OperationItem.choices},
    **{v: v for v in OperationItem.values},
}
_CATEGORY_BY_TEXT = {
    **{str(label): value for value, label in OperationCategory.choices},
    **{v: v for v in OperationCategory.values},
}
_GENDER_BY_TEXT = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
_RESULT_BY_TEXT = {
    **{str(label): value for value, label in EnrolmentResult.choices},
    **{v: v for v in EnrolmentResult.values},
}
_YES = {"是", "出勤", "到", "Y", "y", "1", "TRUE", "True", "true", "√"}
_NO = {"否", "缺勤", "未到", "N", "n", "0", "FALSE", "False", "false", "×"}


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return restore(str(value).strip())


def parse_date(value: Any, column: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            converted = from_excel(value)
        except (ValueError, OverflowError):
            converted = None
        if isinstance(converted, dt.datetime):
            return converted.date()
    raw = str(value).strip()
    match = _DATE_TEXT.match(raw)
    if match is None and len(raw) == 8 and raw.isdigit():
        match = re.match(r"^(\d{4})(\d{2})(\d{2})$", raw)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise RowError(column, _("日期“%(value)s”无效，请使用如 2024-05-01 的格式。") % {"value": raw[:20]})


class IdChecker:
    """GB 11643 checks with safetyportal.validators' arithmetic, with today computed once (tens of thousands of rows);
    the shared validator supplies the message when a number fails.

    A cell Excel holds as a number (openpyxl gives an int or a float; Excel keeps 15 significant digits, so the last
    digits are already lost) is refused with a message saying to format the column as text, never converted."""

    def __init__(self, today: dt.date) -> None:
        self.today = today

    def __call__(self, value: Any, column: str) -> str:
        if not isinstance(value, str) and is_spreadsheet_number(value):
            raise RowError(column, str(EXCEL_NUMBER_MESSAGE))
        number = normalize_id_number(restore(value))  # text forms ("3.5E+17") are refused by the validator below
        ok = len(number) == 18 and _ID_SHAPE.match(number) is not None and number[:2] in PROVINCE_CODES
        if ok:
            try:
                birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                ok = birth.year >= 1900 and birth <= self.today and id_check_digit(number[:17]) == number[17]
            except ValueError:
                ok = False
        if ok:
            return number
        if not number:
            raise RowError(column, _("不能为空。"))
        try:
            validate_id_number(number)
        except ValidationError as error:
            raise RowError(column, error.messages[0]) from None
        raise RowError(column, _("身份证号码无效。"))  # pragma: no cover - the shared validator agrees


def parse_score(value: Any, column: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise RowError(column, _("成绩应为0到100之间的数字。")) from None
    if not Decimal(0) <= score <= Decimal(100):
        raise RowError(column, _("成绩应为0到100之间的数字。"))
    return score.quantize(Decimal("0.1"))


# Reading ---------------------------------------------------------------------------------------------------------


def open_sheet(data: bytes) -> Any:
    inspect_xlsx(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:
        raise SpreadsheetRejected(_("无法读取文件，请确认是有效的Excel（.xlsx）文件。")) from None
    if not book.worksheets:
        raise SpreadsheetRejected(_("文件中没有工作表。"))
    return book


def estimated_rows(path: str) -> int | None:
    """Data rows according to the sheet's dimension record, or guessed from the sheet's size when the writer left no
    usable record (openpyxl's write-only mode writes "A1"). None when the file cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        book = open_sheet(data)
        rows = book.worksheets[0].max_row
        book.close()
        if rows and rows > 1:
            return rows - 1
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")]
        return max(sizes, default=0) // BYTES_PER_ROW_GUESS
    except (SpreadsheetRejected, OSError, zipfile.BadZipFile):
        return None


def _normalise_header(value: Any) -> str:
    return re.sub(r"[\s*＊]", "", text(value)).replace("(", "（").replace(")", "）")


# The importers -----------------------------------------------------------------------------------------------------


class BaseImporter:
    """Streams one sheet: header → columns, rows → records (validated), batches → database checks, then writes."""

    columns: dict[str, tuple[str, ...]] = {}
    required: tuple[str, ...] = ()
    labels: dict[str, str] = {}

    def __init__(self, *, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.problems: list[ImportProblem] = []
        self.records: list[tuple] = []
        self.check_id = IdChecker(self.today)

    # -- hooks
    def prepare(self) -> None: ...
    def parse(self, line: int, cell: Callable[[str], Any]) -> tuple | None: ...
    def check_batch(self, batch: list[tuple]) -> None: ...
    def write(self) -> dict[str, int]: ...
    def preview_summary(self) -> dict[str, int]:
        return {}

    # -- machinery
    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem(row=line, column=column, message=message))

    def _header(self, header: tuple) -> dict[str, int] | None:
        positions: dict[str, int] = {}
        names = [_normalise_header(value) for value in header]
        for key, accepted in self.columns.items():
            for index, name in enumerate(names):
                if name in accepted:
                    positions[key] = index
                    break
        missing = [self.columns[key][0] for key in self.required if key not in positions]
        if missing:
            self.problem(
                1,
                "",
                _("表头缺少必需的列：%(columns)s。请使用导入模板填写。") % {"columns": "、".join(missing)},
            )
            return None
        return positions

    def run(self, data: bytes, *, commit: bool, progress: Progress | None = None) -> ImportResult:
        try:
            book = open_sheet(data)
        except SpreadsheetRejected as error:
            self.problem(1, "", str(error))
            return self._result(ImportResult())
        try:
            return self._run(book.worksheets[0], commit=commit, progress=progress)
        finally:
            book.close()

    def _run(self, sheet: Any, *, commit: bool, progress: Progress | None) -> ImportResult:
        result = ImportResult()
        estimated = max((sheet.max_row or 0) - 1, 0)
        book_rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        first = next(book_rows, None)
        if first is None:
            self.problem(1, "", _("文件中没有数据。"))
            return self._result(result)
        positions = self._header(first[1])
        if positions is None:
            return self._result(result)
        self.prepare()
        batch: list[tuple] = []
        count = 0
        share = 70 if commit else 99
        for line, values in book_rows:
            if not any(v is not None and v != "" for v in values):
                continue  # blank lines (Excel keeps formatted empty rows)
            count += 1
            if count > MAX_ROWS:
                self.problem(line, "", _("行数超过上限（%(max)s行），请拆分后再导入。") % {"max": MAX_ROWS})
                break
            width = len(values)

            def cell(key: str, values: tuple = values, width: int = width) -> Any:
                index = positions.get(key)
                return values[index] if index is not None and index < width else None

            record = self.parse(line, cell)
            if record is not None:
                batch.append(record)
            if len(batch) >= BATCH:
                self.check_batch(batch)
                batch = []
                if progress and estimated:
                    progress(min(share, int(share * count / estimated)))
        if batch:
            self.check_batch(batch)
        result.total_rows = count
        if count == 0 and not self.problems:
            self.problem(2, "", _("文件中没有数据行。"))
        if self.problems or not commit:
            result.summary = self.preview_summary()
            return self._result(result)
        result.summary = self.write()
        return self._result(result)

    def _result(self, result: ImportResult) -> ImportResult:
        self.problems.sort(key=lambda p: p.row)
        result.problems = self.problems
        return result


def _load_enterprises() -> dict[str, tuple[int, int]]:
    return {
        code: (pk, jurisdiction)
        for code, pk, jurisdiction in Enterprise.objects.values_list("credit_code", "pk", "jurisdiction_id")
    }


class _PeopleMixin:
    """People met in the file: existing ones by ID number (looked up per batch), new ones created once."""

    people: dict[str, tuple[int, str]]  # id_number -> (pk, name) of people already in the database
    file_names: dict[str, tuple[str, int]]  # id_number -> (name, first line) as written in the file

    def _check_names(self, batch: list[tuple], id_index: int, name_index: int) -> None:
        ids = [record[id_index] for record in batch]
        self.people.update(
            {
                number: (pk, name)
                for number, pk, name in Person.objects.filter(id_number__in=ids).values_list("id_number", "pk", "name")
            }
        )
        for record in batch:
            known = self.people.get(record[id_index])
            if known is not None and known[1] != record[name_index]:
                self.problem(
                    record[0],
                    self.labels["name"],
                    _("与系统中该身份证号登记的姓名“%(name)s”不一致。") % {"name": known[1]},
                )  # type: ignore[attr-defined]

    def _person_in_file(self, line: int, number: str, name: str) -> bool:
        seen = self.file_names.get(number)
        if seen is None:
            self.file_names[number] = (name, line)
            return True
        if seen[0] != name:
            self.problem(line, self.labels["name"], _("与第%(line)s行同一身份证号的姓名不一致。") % {"line": seen[1]})  # type: ignore[attr-defined]
            return False
        return True

    def _create_people(self, new: dict[str, tuple[str, str, int | None, int]]) -> int:
        """Create the people not yet in the database; ``new`` maps id_number -> (name, gender, enterprise, unit).
        Model instances are built one batch at a time: 100,000 of them at once would cost about 100 MB."""
        items = list(new.items())
        for start in range(0, len(items), BATCH):
            chunk = Person.objects.bulk_create(
                [
                    Person(id_number=number, name=name, gender=gender, enterprise_id=enterprise, jurisdiction_id=unit)
                    for number, (name, gender, enterprise, unit) in items[start : start + BATCH]
                ]
            )
            for person in chunk:
                self.people[person.id_number] = (person.pk, person.name)
        return len(items)


class CertificateImporter(_PeopleMixin, BaseImporter):
    """One certificate per row, as training institutions and the national platform hand them over."""

    columns = {
        "name": ("姓名",),
        "gender": ("性别",),
        "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
        "number": ("证号", "证书编号"),
        "category": ("作业类别",),
        "item": ("操作项目", "准操项目"),
        "first_issued_on": ("初领日期", "发证日期"),
        "valid_from": ("有效期限（起）", "有效期起", "有效期开始日期"),
        "valid_until": ("有效期限（止）", "有效期止", "有效期截止日期"),
        "review_due_on": ("应复审日期",),
        "authority": ("发证机关",),
        "employer": ("用人单位统一社会信用代码", "用人单位信用代码"),
    }
    required = ("name", "id_number", "item", "first_issued_on")
    labels = {key: names[0] for key, names in columns.items()}
    HEADER = [names[0] for names in columns.values()]

    def __init__(
        self, *, default_jurisdiction_id: int, institution_id: int | None = None, today: dt.date | None = None
    ) -> None:
        super().__init__(today=today)
        self.default_jurisdiction_id = default_jurisdiction_id
        self.institution_id = institution_id
        self.people = {}
        self.file_names = {}
        self.keys: dict[tuple[str, str], int] = {}
        self.default_authority = default_authority()

    def prepare(self) -> None:
        self.enterprises = _load_enterprises()

    def parse(self, line: int, cell: Callable[[str], Any]) -> tuple | None:
        labels = self.labels
        bad = False
        try:
            number = self.check_id(cell("id_number"), labels["id_number"])
        except RowError as error:
            self.problem(line, error.column, error.message)
            number, bad = "", True
        name = text(cell("name"))
        if not name:
            self.problem(line, labels["name"], _("不能为空。"))
            bad = True
        elif len(name) > 32:
            self.problem(line, labels["name"], _("不能超过32个字符。"))
            bad = True
        gender_text = text(cell("gender"))
        gender = _GENDER_BY_TEXT.get(gender_text)
        if gender_text and gender is None:
            self.problem(line, labels["gender"], _("应填写“男”或“女”。"))
            bad = True
        if not gender and number:
            gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
        item_text = text(cell("item"))
        item = _ITEM_BY_TEXT.get(item_text)
        if item is None:
            message = (
                _("不能为空。") if not item_text else _("“%(value)s”不是已知的操作项目。") % {"value": item_text[:40]}
            )
            self.problem(line, labels["item"], message)
            bad = True
        category_text = text(cell("category"))
        if category_text and item is not None:
            category = _CATEGORY_BY_TEXT.get(category_text)
            if category is None:
                self.problem(
                    line, labels["category"], _("“%(value)s”不是已知的作业类别。") % {"value": category_text[:40]}
                )
                bad = True
            elif ITEM_CATEGORY[item] != category:
                self.problem(line, labels["category"], _("与操作项目“%(item)s”不匹配。") % {"item": item_text})
                bad = True
        cert_number = normalize_id_number(text(cell("number")))  # "T" + ID, typed like an ID
        if cert_number and number and cert_number != "T" + number:
            self.problem(line, labels["number"], _("证号应为“T”加身份证号。"))
            bad = True
        dates: dict[str, dt.date | None] = {}
        for key in ("first_issued_on", "valid_from", "valid_until", "review_due_on"):
            try:
                dates[key] = parse_date(cell(key), labels[key])
            except RowError as error:
                self.problem(line, error.column, error.message)
                dates[key], bad = None, True
        first = dates["first_issued_on"]
        if first is None:
            if cell("first_issued_on") in (None, ""):
                self.problem(line, labels["first_issued_on"], _("不能为空。"))
            return None
        if first > self.today:
            self.problem(line, labels["first_issued_on"], _("不能晚于今天。"))
            bad = True
        valid_from = dates["valid_from"] or first
        if valid_from < first:
            self.problem(line, labels["valid_from"], _("不能早于初领日期。"))
            bad = True
        if valid_from > self.today:
            self.problem(line, labels["valid_from"], _("不能晚于今天。"))
            bad = True
        from .services import certificate_dates, status_on

        _from, default_until, default_due = certificate_dates(valid_from)
        valid_until = dates["valid_until"] or default_until
        if valid_until <= valid_from:
            self.problem(line, labels["valid_until"], _("应晚于有效期起始日期。"))
            bad = True
        review_due = dates["review_due_on"] or default_due
        if valid_until > valid_from and (review_due <= valid_from or review_due > valid_until + dt.timedelta(days=1)):
            self.problem(line, labels["review_due_on"], _("应在有效期内。"))
            bad = True
        authority = text(cell("authority")) or self.default_authority
        if len(authority) > 64:
            self.problem(line, labels["authority"], _("不能超过64个字符。"))
            bad = True
        employer_code = text(cell("employer")).upper()
        employer = None
        if employer_code:
            employer = self.enterprises.get(employer_code)
            if employer is None:
                self.problem(
                    line,
                    labels["employer"],
                    _("系统中没有统一社会信用代码为“%(code)s”的单位。") % {"code": employer_code[:20]},
                )
                bad = True
        if bad:
            return None
        key = (number, item)
        if key in self.keys:
            self.problem(
                line, labels["id_number"], _("与第%(line)s行重复（同一人同一操作项目）。") % {"line": self.keys[key]}
            )
            return None
        self.keys[key] = line
        if not self._person_in_file(line, number, name):
            return None
        status = status_on(valid_until=valid_until, review_due_on=review_due, today=self.today)
        return (
            line,
            number,
            name,
            gender,
            item,
            first,
            valid_from,
            valid_until,
            review_due,
            authority,
            employer[0] if employer else None,
            employer[1] if employer else None,
            status,
        )

    def check_batch(self, batch: list[tuple]) -> None:
        self._check_names(batch, 1, 2)
        ids = [record[1] for record in batch]
        in_force = set(
            Certificate.objects.filter(holder__id_number__in=ids)
            .exclude(status__in=ENDED_STATUSES)
            .values_list("holder__id_number", "operation_item")
        )
        for record in batch:
            if (record[1], record[4]) in in_force:
                self.problem(record[0], self.labels["item"], _("该人员已持有此操作项目的有效证书（系统中已存在）。"))
        self.records.extend(batch)

    def preview_summary(self) -> dict[str, int]:
        new_people = sum(1 for number in self.file_names if number not in self.people)
        return {"certificates": len(self.records), "new_people": new_people}

    def write(self) -> dict[str, int]:
        from .services import new_verify_token

        records = self.records
        with transaction.atomic():
            new: dict[str, tuple[str, str, int | None, int]] = {}
            for record in records:
                number = record[1]
                if number not in self.people and number not in new:
                    new[number] = (record[2], record[3], record[10], record[11] or self.default_jurisdiction_id)
            created_people = self._create_people(new)
            people = self.people
            institution = self.institution_id
            for start in range(0, len(records), BATCH):
                Certificate.objects.bulk_create(
                    [
                        Certificate(
                            number="T" + r[1],
                            holder_id=people[r[1]][0],
                            category=ITEM_CATEGORY[r[4]],
                            operation_item=r[4],
                            authority=r[9],
                            first_issued_on=r[5],
                            valid_from=r[6],
                            valid_until=r[7],
                            review_due_on=r[8],
                            status=r[12],
                            employer_id=r[10],
                            institution_id=institution,
                            source=CertificateSource.IMPORT,
                            verify_token=new_verify_token(),
                        )
                        for r in records[start : start + BATCH]
                    ]
                )
        return {"certificates": len(records), "new_people": created_people}


class EnrolmentImporter(_PeopleMixin, BaseImporter):
    """The results of one training session: who attended, their scores and the result."""

    columns = {
        "name": ("姓名",),
        "gender": ("性别",),
        "id_number": ("身份证号", "身份证号码", "公民身份号码"),
        "employer": ("用人单位统一社会信用代码", "用人单位信用代码"),
        "attended": ("出勤", "是否出勤"),
        "theory": ("理论成绩",),
        "practical": ("实操成绩",),
        "result": ("考核结果",),
    }
    required = ("name", "id_number")
    labels = {key: names[0] for key, names in columns.items()}
    HEADER = [names[0] for names in columns.values()]

    def __init__(self, *, session: TrainingSession, default_jurisdiction_id: int, today: dt.date | None = None) -> None:
        super().__init__(today=today)
        self.session = session
        self.default_jurisdiction_id = default_jurisdiction_id
        self.people = {}
        self.file_names = {}

    def prepare(self) -> None:
        self.enterprises = _load_enterprises()

    def parse(self, line: int, cell: Callable[[str], Any]) -> tuple | None:
        labels = self.labels
        bad = False
        try:
            number = self.check_id(cell("id_number"), labels["id_number"])
        except RowError as error:
            self.problem(line, error.column, error.message)
            number, bad = "", True
        name = text(cell("name"))
        if not name or len(name) > 32:
            self.problem(line, labels["name"], _("不能为空。") if not name else _("不能超过32个字符。"))
            bad = True
        gender_text = text(cell("gender"))
        gender = _GENDER_BY_TEXT.get(gender_text)
        if gender_text and gender is None:
            self.problem(line, labels["gender"], _("应填写“男”或“女”。"))
            bad = True
        if not gender and number:
            gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
        attended_text = text(cell("attended"))
        if attended_text in _NO:
            attended = False
        elif attended_text in _YES or not attended_text:
            attended = True
        else:
            self.problem(line, labels["attended"], _("应填写“是”或“否”。"))
            attended, bad = True, True
        scores = []
        for key in ("theory", "practical"):
            try:
                scores.append(parse_score(cell(key), labels[key]))
            except RowError as error:
                self.problem(line, error.column, error.message)
                scores.append(None)
                bad = True
        result_text = text(cell("result"))
        if result_text:
            result = _RESULT_BY_TEXT.get(result_text)
            if result is None:
                self.problem(line, labels["result"], _("应填写“合格”“不合格”“缺考”或“待考核”。"))
                bad = True
        elif not attended:
            result = EnrolmentResult.ABSENT
        elif scores[0] is None and scores[1] is None:
            result = EnrolmentResult.PENDING
        else:
            given = [s for s in scores if s is not None]
            result = EnrolmentResult.PASSED if all(s >= PASS_MARK for s in given) else EnrolmentResult.FAILED
        if result == EnrolmentResult.PASSED and not attended:
            self.problem(line, labels["result"], _("未出勤的学员不能考核合格。"))
            bad = True
        if result == EnrolmentResult.PASSED and any(s is not None and s < PASS_MARK for s in scores):
            self.problem(line, labels["result"], _("成绩低于80分，不能为合格。"))
            bad = True
        employer_code = text(cell("employer")).upper()
        employer = None
        if employer_code:
            employer = self.enterprises.get(employer_code)
            if employer is None:
                self.problem(
                    line,
                    labels["employer"],
                    _("系统中没有统一社会信用代码为“%(code)s”的单位。") % {"code": employer_code[:20]},
                )
                bad = True
        if bad:
            return None
        seen = self.file_names.get(number)
        if seen is not None:
            self.problem(line, labels["id_number"], _("与第%(line)s行重复（同一学员）。") % {"line": seen[1]})
            return None
        self.file_names[number] = (name, line)
        return (
            line,
            number,
            name,
            gender,
            employer[0] if employer else None,
            employer[1] if employer else None,
            attended,
            scores[0],
            scores[1],
            result,
        )

    def check_batch(self, batch: list[tuple]) -> None:
        self._check_names(batch, 1, 2)
        ids = [record[1] for record in batch]
        enrolled = set(
            Enrolment.objects.filter(session=self.session, person__id_number__in=ids).values_list(
                "person__id_number", flat=True
            )
        )
        for record in batch:
            if record[1] in enrolled:
                self.problem(record[0], self.labels["id_number"], _("该学员已在本培训班的参训记录中。"))
        self.records.extend(batch)

    def preview_summary(self) -> dict[str, int]:
        new_people = sum(1 for number in self.file_names if number not in self.people)
        passed = sum(1 for r in self.records if r[9] == EnrolmentResult.PASSED)
        return {"enrolments": len(self.records), "new_people": new_people, "passed": passed}

    def write(self) -> dict[str, int]:
        records = self.records
        with transaction.atomic():
            new = {
                r[1]: (r[2], r[3], r[4], r[5] or self.default_jurisdiction_id)
                for r in records
                if r[1] not in self.people
            }
            created_people = self._create_people(new)
            for start in range(0, len(records), BATCH):
                Enrolment.objects.bulk_create(
                    [
                        Enrolment(
                            session=self.session,
                            person_id=self.people[r[1]][0],
                            enterprise_id=r[4],
                            attended=r[6],
                            theory_score=r[7],
                            practical_score=r[8],
                            result=r[9],
                        )
                        for r in records[start : start + BATCH]
                    ]
                )
        passed = sum(1 for r in records if r[9] == EnrolmentResult.PASSED)
        return {"enrolments": len(records), "new_people": created_people, "passed": passed}


def import_certificates(
    data: bytes,
    *,
    default_jurisdiction_id: int,
    institution_id: int | None = None,
    commit: bool = True,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    importer = CertificateImporter(
        default_jurisdiction_id=default_jurisdiction_id, institution_id=institution_id, today=today
    )
    return importer.run(data, commit=commit, progress=progress)


def import_enrolments(
    data: bytes,
    *,
    session: TrainingSession,
    default_jurisdiction_id: int,
    commit: bool = True,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    importer = EnrolmentImporter(session=session, default_jurisdiction_id=default_jurisdiction_id, today=today)
    return importer.run(data, commit=commit, progress=progress)


def run_importer(job: ImportJob, *, commit: bool, progress: Progress | None = None) -> ImportResult:
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        if job.kind == ImportKind.CERTIFICATES:
            return import_certificates(
                data,
                default_jurisdiction_id=job.default_jurisdiction_id,
                institution_id=job.institution_id,
                commit=commit,
                progress=progress,
            )
        if job.session_id is None:
            result = ImportResult()
            result.problems.append(ImportProblem(row=1, column="", message=_("导入培训考核结果须选择培训班。")))
            return result
        return import_enrolments(
            data,
            session=job.session,
            default_jurisdiction_id=job.default_jurisdiction_id,
            commit=commit,
            progress=progress,
        )
    except SpreadsheetRejected as error:
        result = ImportResult()
        result.problems.append(ImportProblem(row=1, column="", message=str(error)))
        return result


def template_workbook(kind: str) -> bytes:
    """An empty import template with the expected header (and one example row) for staff to download."""
    book = openpyxl.Workbook()
    sheet = book.active
    if kind == ImportKind.CERTIFICATES:
        sheet.title = "特种作业操作证"
        sheet.append(CertificateImporter.HEADER)
    else:
        sheet.title = "培训考核结果"
        sheet.append(EnrolmentImporter.HEADER)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
