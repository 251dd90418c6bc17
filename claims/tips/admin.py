"""The editors' tips inbox: one row per claim readers asked about, most asked and most
check-worthy first, each turned into a claim in one click (through tip_group_claim)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from claims.models import Tip, TipGroup
from claims.tips.services import tip_contact_forget, tip_group_claim
from factcheck.admin import ReadOnlyAdmin, ReadOnlyInline
from factcheck.auth import acting_user

INLINE_FIELDS = ("created_at", "text", "link", "has_contact", "notified_at", "answered_by_check")
GROUP_FIELDS = (
    "text", "count", "first_asked_at", "last_asked_at", "checkworthiness", "status", "claim",
    "claimed_by", "claimed_at",
)  # fmt: skip
TIP_FIELDS = ("created_at", "text", "link", "group", "answered_by_check", "notified_at")


class TipInline(ReadOnlyInline, admin.TabularInline[Tip, TipGroup]):
    model = Tip
    fields = readonly_fields = INLINE_FIELDS
    show_change_link = False

    @admin.display(boolean=True, description="left an address")
    def has_contact(self, tip: Tip) -> bool:
        return bool(tip.contact)


@admin.register(TipGroup)
class TipGroupAdmin(ReadOnlyAdmin, admin.ModelAdmin[TipGroup]):
    """The tips inbox. Read only but for the one step: make the group a claim."""

    list_display = ["text", "asked", "first_asked_at", "last_asked_at", "checkworthiness", "status"]
    list_filter = ["status"]
    search_fields = ["text"]
    ordering = ["-count", "-checkworthiness", "-last_asked_at"]
    fields = readonly_fields = GROUP_FIELDS
    inlines = [TipInline]
    actions = ["make_claims"]
    change_form_template = "admin/claims/tipgroup/change_form.html"

    @admin.display(description="asked", ordering="count")
    def asked(self, group: TipGroup) -> str:
        return f"{group.count} time{'s' if group.count != 1 else ''}"

    def get_urls(self) -> list[URLPattern]:
        step = path(
            "<int:group_id>/claim/",
            self.admin_site.admin_view(require_POST(self.claim_view)),
            name="claims_tipgroup_claim",
        )
        return [step, *super().get_urls()]

    def claim_view(self, request: HttpRequest, group_id: int) -> HttpResponse:
        group = get_object_or_404(TipGroup, id=group_id)
        try:
            claim = tip_group_claim(group=group, user=acting_user(request.user))
        except PermissionDenied as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:claims_tipgroup_change", args=[group.id]))
        messages.success(
            request, format_html("Claim #{} made from {} tip(s).", claim.id, group.count)
        )
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.id]))

    @admin.action(description="Turn the selected groups into claims")
    def make_claims(self, request: HttpRequest, queryset: QuerySet[TipGroup]) -> None:
        user = acting_user(request.user)
        made = [tip_group_claim(group=group, user=user) for group in queryset]
        messages.success(request, f"{len(made)} claim(s) made from readers' tips.")


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin, admin.ModelAdmin[Tip]):
    """Every tip, to read; a reader's request to delete an address is done from here."""

    list_display = ["created_at", "text", "group", "has_contact", "notified_at"]
    list_select_related = ["group"]
    # Editors find a reader's tips by the address the reader names, never read it here.
    search_fields = ["=contact"]
    fields = readonly_fields = TIP_FIELDS
    actions = ["forget_contacts"]

    @admin.display(boolean=True, description="left an address")
    def has_contact(self, tip: Tip) -> bool:
        return bool(tip.contact)

    @admin.action(description="Delete the contact address of the selected tips")
    def forget_contacts(self, request: HttpRequest, queryset: QuerySet[Tip]) -> None:
        acting_user(request.user)
        if not request.user.has_perm("claims.change_tip"):
            messages.error(request, "You need the “claims.change_tip” permission for this.")
            return
        for tip in queryset:
            tip_contact_forget(tip=tip)
        messages.success(request, f"Deleted the contact address of {queryset.count()} tip(s).")
