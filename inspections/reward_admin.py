"""Admin of the reward ledger (举报奖励, issue 15). Imported by inspections/admin.py.

Every write goes through ``reward_services``: the list and the change page only show; proposing, approving, the
penalty's execution date, payment and voiding are small pages of their own. The payee's details (``RewardClaim``) are
never in a list, a change page, a search or an export: a custodian reads them on one page, with a reason, logged."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyportal import workdays
from safetyportal.accounts.services import is_verified
from safetyportal.admin_base import ReadOnlyAdminMixin
from safetyportal.history_admin import HistoryPanelMixin

from . import reward_selectors, reward_services
from .admin import ActionPageMixin, _admin_url, _form_errors
from .models import PenaltyCase, PublicReport, RecordStatus
from .reward_models import AccidentGrade, Reward, RewardBasis, RewardClaim, RewardClaimAccessLog, RewardStatus

REVEAL_TEMPLATE = "admin/inspections/reward_claim_reveal.html"
HAZARD_NUMBER = re.compile(r"^YH\d{4}(\d{6,})$")


class RewardProposalForm(forms.Form):
    report_number = forms.CharField(
        label=gettext_lazy("举报编号"), max_length=20, help_text=gettext_lazy("隐患编号，如 YH2026000123")
    )
    basis = forms.ChoiceField(label=gettext_lazy("奖励依据"), choices=RewardBasis.choices)
    decision_number = forms.CharField(
        label=gettext_lazy("处罚决定书文号"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("按罚款计算时必填：该处罚须关联本举报的隐患"),
    )
    accident_grade = forms.ChoiceField(
        label=gettext_lazy("事故等级（瞒报谎报事故）"), choices=[("", "—"), *AccidentGrade.choices], required=False
    )
    concealed_deaths = forms.IntegerField(label=gettext_lazy("查实瞒报谎报死亡人数"), min_value=1, required=False)
    joint_report = forms.BooleanField(label=gettext_lazy("联名举报"), required=False)
    penalty_executed_on = forms.DateField(
        label=gettext_lazy("处罚执行日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("已执行的填写；奖励须在其后10个工作日内发放"),
    )
    amount = forms.DecimalField(
        label=gettext_lazy("调整后的金额（元）"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        help_text=gettext_lazy("一般留空，按规则计算；与规则结果不同时须填写理由，并记入操作记录"),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("调整金额的理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_report_number(self) -> PublicReport:
        number = (self.cleaned_data.get("report_number") or "").strip().upper()
        match = HAZARD_NUMBER.match(number)
        report = None
        if match:
            report = PublicReport.objects.select_related("hazard").filter(hazard_id=int(match.group(1))).first()
        if report is None or report.hazard.number != number:
            raise forms.ValidationError(_("未找到该编号的群众举报。"))
        return report

    def clean_decision_number(self) -> PenaltyCase | None:
        number = (self.cleaned_data.get("decision_number") or "").strip()
        if not number:
            return None
        penalty = PenaltyCase.objects.filter(decision_number=number, record_status=RecordStatus.ACTIVE).first()
        if penalty is None:
            raise forms.ValidationError(_("未找到该文号的有效行政处罚。"))
        return penalty


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=gettext_lazy("发放日期"), widget=forms.DateInput(attrs={"type": "date"}))
    voucher_number = forms.CharField(label=gettext_lazy("付款凭证号"), max_length=64)


class ExecutedForm(forms.Form):
    penalty_executed_on = forms.DateField(
        label=gettext_lazy("处罚执行日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("理由"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Reward)
class RewardAdmin(HistoryPanelMixin, ActionPageMixin, admin.ModelAdmin):
    list_display = (
        "number_link",
        "report_number",
        "basis_short",
        "amount_text",
        "status_text",
        "due_column",
        "claim_column",
    )
    list_display_links = None
    list_filter = ("status", "basis", "record_status")
    search_fields = ("penalty__decision_number",)
    list_per_page = 50
    fields = (
        "number",
        "report_link",
        "basis",
        "penalty",
        "accident_grade",
        "concealed_deaths",
        "joint_report",
        "computation_panel",
        "amount_panel",
        "status_text",
        "penalty_executed_on",
        "due_column",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
        "paid_on",
        "voucher_number",
        "paid_by",
        "record_status",
        "void_reason",
        "claim_column",
        "actions_panel",
        "history_panel",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reward]:
        return (
            super()
            .get_queryset(request)
            .select_related("report__hazard", "penalty", "created_by", "approved_by", "paid_by")
            .annotate(has_claim=Exists(RewardClaim.objects.filter(reward=OuterRef("pk"))))
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the change page only shows; every change is one of the action pages below

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Columns ---------------------------------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("编号"), ordering="pk")
    def number_link(self, obj: Reward) -> str:
        return format_html('<a href="{}">{}</a>', _admin_url(obj, "change"), obj.number)

    @admin.display(description=gettext_lazy("编号"))
    def number(self, obj: Reward) -> str:
        return obj.number

    @admin.display(description=gettext_lazy("举报"))
    def report_number(self, obj: Reward) -> str:
        return obj.report.hazard.number

    @admin.display(description=gettext_lazy("举报"))
    def report_link(self, obj: Reward) -> str:
        return format_html('<a href="{}">{}</a>', _admin_url(obj.report.hazard, "change"), obj.report.hazard.number)

    @admin.display(description=gettext_lazy("依据"))
    def basis_short(self, obj: Reward) -> str:
        return _("按罚款") if obj.basis == RewardBasis.PENALTY else _("瞒报谎报事故")

    @admin.display(description=gettext_lazy("金额"), ordering="amount")
    def amount_text(self, obj: Reward) -> str:
        text = reward_services.yuan(obj.amount)
        return f"{text}{_('（已调整）')}" if obj.is_overridden else text

    @admin.display(description=gettext_lazy("状态"))
    def status_text(self, obj: Reward) -> str:
        if obj.is_voided:
            return _("已作废")
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("发放期限"))
    def due_column(self, obj: Reward) -> str:
        if obj.is_voided:
            return "—"
        if obj.is_paid:
            try:
                late = reward_selectors.paid_late_days(obj)
            except workdays.CalendarNotCovered as error:
                return _("无法计算：日历未覆盖%(year)s年") % {"year": error.year}
            if late:
                return _("%(date)s发放，超期%(days)s个工作日") % {"date": obj.paid_on, "days": late}
            return _("%(date)s发放") % {"date": obj.paid_on}
        text = reward_selectors.payment_due_text(obj)
        try:
            overdue = reward_selectors.is_overdue(obj, timezone.localdate())
        except workdays.CalendarNotCovered:
            overdue = False
        if overdue:
            return format_html('{} <strong class="overdue">{}</strong>', text, _("已逾期"))
        return text

    @admin.display(description=gettext_lazy("领奖信息"))
    def claim_column(self, obj: Reward) -> str:
        has_claim = getattr(obj, "has_claim", None)
        if has_claim is None:
            has_claim = RewardClaim.objects.filter(reward=obj).exists()
        return _("已提交（加密保存）") if has_claim else _("未提交")

    @admin.display(description=gettext_lazy("计算过程"))
    def computation_panel(self, obj: Reward) -> str:
        return obj.computation

    @admin.display(description=gettext_lazy("奖励金额"))
    def amount_panel(self, obj: Reward) -> str:
        if obj.is_overridden:
            return format_html(
                "{}<br>{}",
                _("按规则%(rule)s，调整为%(amount)s")
                % {"rule": reward_services.yuan(obj.rule_amount), "amount": reward_services.yuan(obj.amount)},
                _("理由：%(reason)s") % {"reason": obj.override_reason},
            )
        return reward_services.yuan(obj.amount)

    @admin.display(description=gettext_lazy("办理"))
    def actions_panel(self, obj: Reward) -> str:
        if obj.is_voided or obj.pk is None:
            return "—"
        links = []
        if obj.status == RewardStatus.PROPOSED:
            links.append((_admin_url(obj, "approve"), _("审批")))
        if obj.status == RewardStatus.APPROVED:
            links.append((_admin_url(obj, "pay"), _("登记发放")))
        if not obj.is_paid:
            links.append((_admin_url(obj, "executed"), _("登记处罚执行日期")))
            links.append((_admin_url(obj, "void"), _("作废")))
        if getattr(obj, "has_claim", False) or RewardClaim.objects.filter(reward=obj).exists():
            links.append((_admin_url(obj, "claim"), _("查看领奖信息（须说明理由，留痕）")))
        return format_html_join(" | ", '<a href="{}">{}</a>', links)

    # Pages -----------------------------------------------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/approve/", view(self.approve_view), name="inspections_reward_approve"),
            path("<path:object_id>/pay/", view(self.pay_view), name="inspections_reward_pay"),
            path("<path:object_id>/executed/", view(self.executed_view), name="inspections_reward_executed"),
            path("<path:object_id>/void/", view(self.void_view), name="inspections_reward_void"),
            path("<path:object_id>/claim/", view(self.claim_view), name="inspections_reward_claim"),
            *super().get_urls(),
        ]

    def _reward(self, request: HttpRequest, object_id: str, permission: str) -> Reward:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        reward = self.get_object(request, object_id)
        if reward is None:
            raise Http404
        return reward

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """提出奖励: the amount is computed by the rule; an override needs a reason."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"report_number": request.GET.get("report_number", "")[:20]}
        form = RewardProposalForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                reward = reward_services.propose_reward(
                    report=data["report_number"],
                    by=request.user,
                    basis=data["basis"],
                    penalty=data["decision_number"],
                    accident_grade=data["accident_grade"] or "",
                    concealed_deaths=data["concealed_deaths"],
                    joint_report=data["joint_report"],
                    penalty_executed_on=data["penalty_executed_on"],
                    amount=data["amount"],
                    override_reason=data["override_reason"],
                )
            except ValidationError as error:
                _form_errors(form, _on_form_fields(error))
            else:
                self.message_user(
                    request,
                    _("已提出举报奖励 %(number)s：%(computation)s，待另一名工作人员审批。")
                    % {"number": reward.number, "computation": reward.computation},
                )
                return HttpResponseRedirect(_admin_url(reward, "change"))
        return self.action_page(
            request,
            _("提出举报奖励"),
            form=form,
            submit_label=_("按规则计算并提出"),
            intro=_(
                "依据《安全生产领域举报奖励办法》（安监总财〔2018〕19号）：按行政处罚金额的15%计算，最低3,000元，"
                "最高300,000元；瞒报谎报事故按查实死亡人数，一般、较大、重大、特别重大事故每人3万、4万、5万、6万元，"
                "最高300,000元。只奖励最先举报的举报人，联名举报只给一份。"
            ),
        )

    def approve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        reward = self._reward(request, object_id, "inspections.approve_reward")
        form = forms.Form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                reward_services.approve_reward(reward=reward, by=request.user)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("举报奖励 %(number)s 已审批。") % {"number": reward.number})
                return HttpResponseRedirect(_admin_url(reward, "change"))
        return self.action_page(
            request,
            _("审批举报奖励 %(number)s") % {"number": reward.number},
            original=reward,
            form=form,
            submit_label=_("审批通过"),
            intro=_("%(computation)s；奖励金额%(amount)s。%(override)s本人提出的奖励须由另一名工作人员审批。")
            % {
                "computation": reward.computation,
                "amount": reward_services.yuan(reward.amount),
                "override": (_("金额已调整，理由：%(reason)s。") % {"reason": reward.override_reason})
                if reward.is_overridden
                else "",
            },
        )

    def pay_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        reward = self._reward(request, object_id, "inspections.change_reward")
        form = PaymentForm(request.POST or None, initial={"paid_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                reward_services.record_payment(
                    reward=reward,
                    by=request.user,
                    paid_on=form.cleaned_data["paid_on"],
                    voucher_number=form.cleaned_data["voucher_number"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("举报奖励 %(number)s 已登记发放。") % {"number": reward.number})
                return HttpResponseRedirect(_admin_url(reward, "change"))
        return self.action_page(
            request,
            _("登记发放举报奖励 %(number)s") % {"number": reward.number},
            original=reward,
            form=form,
            submit_label=_("登记发放"),
            intro=_("奖励金额%(amount)s；发放期限：%(due)s。")
            % {"amount": reward_services.yuan(reward.amount), "due": reward_selectors.payment_due_text(reward)},
        )

    def executed_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        reward = self._reward(request, object_id, "inspections.change_reward")
        form = ExecutedForm(request.POST or None, initial={"penalty_executed_on": reward.penalty_executed_on})
        if request.method == "POST" and form.is_valid():
            try:
                reward_services.set_penalty_executed(
                    reward=reward, executed_on=form.cleaned_data["penalty_executed_on"], by=request.user
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return HttpResponseRedirect(_admin_url(reward, "change"))
        return self.action_page(
            request,
            _("登记处罚执行日期（%(number)s）") % {"number": reward.number},
            original=reward,
            form=form,
            submit_label=_("保存"),
            intro=_("罚款缴纳等处罚执行完毕之日起10个工作日内发放奖励（快奖）。"),
        )

    def void_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        reward = self._reward(request, object_id, "inspections.change_reward")
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reward_services.void_reward(reward=reward, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _form_errors(form, error)
            else:
                self.message_user(request, _("已作废：%(number)s") % {"number": reward.number})
                return HttpResponseRedirect(_admin_url(reward, "change"))
        return self.action_page(
            request,
            _("作废举报奖励 %(number)s") % {"number": reward.number},
            original=reward,
            form=form,
            submit_label=_("作废"),
            intro=_("作废后记录保留；已发放的奖励不能作废。"),
        )

    def claim_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The one screen that shows a payee's details: custodians only, a reason each time, one log row each time."""
        user = request.user
        if not (user.has_perm(reward_services.CUSTODIAN_PERMISSION) and is_verified(user)):
            raise PermissionDenied
        reward = self.get_object(request, object_id)
        if reward is None:
            raise Http404
        claim = RewardClaim.objects.filter(reward=reward).only("pk", "reward_id").first()
        if claim is None:
            raise Http404
        form = ReasonForm(request.POST or None)
        revealed = None
        if request.method == "POST" and form.is_valid():
            try:
                revealed = reward_services.reveal_claim(claim=claim, by=user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _form_errors(form, error)
        response = TemplateResponse(
            request,
            REVEAL_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": reward,
                "title": _("查看领奖信息（%(number)s）") % {"number": reward.number},
                "form": None if revealed else form,
                "claim": revealed,
            },
        )
        patch_cache_control(response, no_store=True, private=True)
        return response


def _on_form_fields(error: ValidationError) -> ValidationError:
    """The service names model fields; the proposal form names two of them differently."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {"penalty": "decision_number", "report": "report_number"}
    return ValidationError({renamed.get(name, name): errors for name, errors in error.error_dict.items()})


@admin.register(RewardClaimAccessLog)
class RewardClaimAccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: nobody adds, changes or deletes a row here."""

    list_display = ("viewed_at", "user", "reward_number", "reason")
    list_filter = ("user",)
    list_select_related = ("user",)
    date_hierarchy = "viewed_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RewardClaimAccessLog]:
        # The reward's key only: never load (and decrypt) the payee's details for a list of log rows.
        return super().get_queryset(request).annotate(reward_pk=F("claim__reward_id"))

    @admin.display(description=gettext_lazy("举报奖励"))
    def reward_number(self, obj: RewardClaimAccessLog) -> str:
        return f"JL{getattr(obj, 'reward_pk', 0) or 0:06d}"
