"""The Django admin for the tracker's records. Status fields are read-only here: they move only
through the workflow services, so the admin cannot bypass review. Reference data is edited here,
but saved and deleted only through tracker/common/services.py (version, who, why)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .common.services import StaleEdit, reference_delete, reference_save
from .models import (
    Article,
    ChangeRequest,
    Citation,
    DataFlag,
    Evidence,
    LegalAct,
    LegalActAlias,
    Measure,
    Notification,
    NotificationKind,
    Organization,
    ReportParagraph,
    ReviewEvent,
    SignInEvent,
    TechnicalAid,
    User,
)
from .organisations.roles import ADMINISTRATOR, REVIEWER
from .outbox import services as notifications
from .workflow import services
from .workflow.transitions import TransitionNotAllowed

admin.site.site_header = _("CRPD compliance tracker")
admin.site.site_title = _("CRPD tracker")
admin.site.index_title = _("Administration")


class ChangedOnlyByReview:
    """Live records that change only through an approved change request (CRPD tracker rule: no
    edit without a second pair of eyes). The admin shows them and their history; proposing a
    change happens in the tracker's pages, reviewing it there or in the change-request admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's "revert to this version" form saves the live row directly; a revert
        # is proposed as a new change request instead (services.change_request_revert).
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReferenceForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the record's history with your name."),
    )
    # The version the form was opened at: the service refuses a save over a newer one.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["base_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get("base_version")
        if self.instance.pk is not None and base is not None:
            live = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            live_version = live.values_list("version", flat=True).first()
            if live_version is not None and live_version != base:
                raise StaleEdit(base_version=base, live_version=live_version)
        return cleaned


def _deletion_reason(request) -> str:
    return gettext("Deleted in the administration by %(user)s") % {
        "user": request.user.get_username()
    }


class SavedThroughService:
    """Reference data an administrator edits here directly: every save and delete, of the record
    and of its inline rows, goes through the reference service, which raises the version and
    writes one history row with the administrator and the reason given in the form."""

    form = ReferenceForm

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "version")

    def save_model(self, request, obj, form, change) -> None:
        links = {
            f.name: form.cleaned_data[f.name]
            for f in obj._meta.many_to_many
            if f.name in form.cleaned_data
        }
        reference_save(
            instance=obj,
            by=request.user,
            reason=form.cleaned_data["change_reason"],
            links=links,
            base_version=form.cleaned_data.get("base_version"),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form's check misses an edit saved in the instant between it and the locked save;
        # the service's check under the lock catches it, and the whole save is rolled back.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as stale:
            self.message_user(request, " ".join(stale.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change) -> None:
        # The record's own links were set by save_model, through the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj) -> None:
        reference_delete(instance=obj, by=request.user, reason=_deletion_reason(request))

    def delete_queryset(self, request, queryset) -> None:
        # One by one, so each deletion has its history row with who and why.
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change) -> None:
        # Inline rows (flags, dimension values) are reference data too, saved for the same reason.
        reason = form.cleaned_data.get("change_reason", "")
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            reference_delete(instance=obj, by=request.user, reason=reason)
        for obj in instances:
            reference_save(instance=obj, by=request.user, reason=reason)
        formset.save_m2m()


class DataFlagInline(GenericTabularInline):
    model = DataFlag
    extra = 0
    fields = ("code", "message", "resolved")


@admin.register(DataFlag)
class DataFlagAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("code", "content_type", "object_id", "short_message", "resolved", "created_at")
    list_filter = ("code", "resolved", "content_type")
    search_fields = ("message",)
    list_select_related = ("content_type",)

    @admin.display(description=_("message"))
    def short_message(self, obj: DataFlag) -> str:
        return obj.message[:100]


@admin.register(Article)
class ArticleAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("number", "title_kk", "title_en", "part")
    list_filter = ("part",)
    search_fields = ("title_kk", "title_ru", "title_en")
    inlines = [DataFlagInline]


@admin.register(ReportParagraph)
class ReportParagraphAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("number", "article", "section_kk", "repair", "curation")
    list_filter = ("repair", "article__part", "article")
    search_fields = ("text_kk", "section_kk")
    list_select_related = ("article",)
    autocomplete_fields = ("article",)
    filter_horizontal = ("convention_articles",)
    inlines = [DataFlagInline]

    def get_search_results(self, request, queryset, search_term):
        # "¶123" or "123" finds the paragraph by number as well as by text.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        term = search_term.lstrip("¶").strip()
        if term.isdigit():
            queryset |= self.model.objects.filter(number=int(term))
        return queryset, distinct


@admin.register(Organization)
class OrganizationAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("code", "short_kk", "name_kk", "kind", "region", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "short_kk", "name_kk", "name_ru", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    raw_id_fields = ("source_paragraphs",)
    inlines = [DataFlagInline]


# Privileged: may approve (coordinators) or use the whole admin. Only a superuser grants, changes
# or takes away these; an administrator who is not one manages editors only (issue 11, defect 3).
PRIVILEGED_GROUPS = (REVIEWER, ADMINISTRATOR)


def is_privileged(user: User) -> bool:
    return (
        user.is_superuser
        or user.is_staff
        or user.groups.filter(name__in=PRIVILEGED_GROUPS).exists()
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "organization", "is_staff", "is_active", "language")
    list_filter = ("groups", "is_staff", "is_active", "organization__kind")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("organization", "language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ("email", "organization", "language")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        # The form then ignores these fields in a POST: they cannot be granted by one.
        return (*fields, "is_superuser", "is_staff", "user_permissions")

    def has_change_permission(self, request, obj=None) -> bool:
        # Another coordinator's or a superuser's account (its password, its e-mail, its roles)
        # is a superuser's to change: else an administrator could take it over.
        if obj is not None and not request.user.is_superuser and is_privileged(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and not request.user.is_superuser and is_privileged(obj):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # Any other choice is refused by the form ("not one of the available choices").
            kwargs["queryset"] = Group.objects.exclude(name__in=PRIVILEGED_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The sign-in audit, read-only and kept: sign-ins, failures, lockouts, second-factor
    devices, password resets and role changes (who changed whose roles, from what to what)."""

    list_display = ("at", "kind", "username", "actor", "ip_address", "detail")
    list_filter = ("kind", ("at", admin.DateFieldListFilter))
    search_fields = ("username", "ip_address")
    list_select_related = ("actor",)
    date_hierarchy = "at"
    readonly_fields = ("at", "kind", "user", "username", "actor", "ip_address", "detail")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LegalActAliasInline(ChangedOnlyByReview, admin.TabularInline):
    model = LegalActAlias
    extra = 0


@admin.register(LegalAct)
class LegalActAdmin(ChangedOnlyByReview, SimpleHistoryAdmin):
    list_display = ("key", "act_type", "number", "adopted", "short_title", "status", "version")
    list_filter = ("act_type", "status", "curation")
    search_fields = ("key", "number", "title_kk", "title_ru", "title_en", "aliases__text")
    readonly_fields = ("status", "version")
    autocomplete_fields = ("issuing_organization",)
    raw_id_fields = ("source_paragraphs",)
    inlines = [LegalActAliasInline, DataFlagInline]

    @admin.display(description=_("title"))
    def short_title(self, obj: LegalAct) -> str:
        return obj.title[:90]


@admin.register(Citation)
class CitationAdmin(ChangedOnlyByReview, SimpleHistoryAdmin):
    list_display = ("key", "act", "article_ref", "clause_ref", "subclause_ref", "paragraph")
    list_filter = ("act__act_type", "crpd_article")
    search_fields = ("key", "text_kk", "act__title_kk", "act__key")
    list_select_related = ("act", "paragraph")
    autocomplete_fields = ("act", "crpd_article")
    raw_id_fields = ("paragraph",)
    readonly_fields = ("version",)
    inlines = [DataFlagInline]


class MeasureCitationInline(ChangedOnlyByReview, admin.TabularInline):
    model = Measure.legal_basis.through
    extra = 0
    raw_id_fields = ("citation",)
    verbose_name = _("legal basis citation")
    verbose_name_plural = _("legal basis citations")

    def get_queryset(self, request):
        # A citation is shown by its pinpoint, which names its act: both in the one query.
        return super().get_queryset(request).select_related("citation__act")


@admin.register(Measure)
class MeasureAdmin(ChangedOnlyByReview, SimpleHistoryAdmin):
    list_display = ("key", "short_title", "kind", "status", "progress", "needs_review", "version")
    list_filter = ("status", "kind", "needs_review", "articles", "organizations__kind")
    search_fields = ("key", "title_kk", "title_ru", "title_en", "description_kk")
    readonly_fields = ("status", "progress", "version", "needs_review", "updated_at")
    filter_horizontal = ("articles", "organizations")
    raw_id_fields = ("source_paragraphs",)
    exclude = ("legal_basis",)
    inlines = [MeasureCitationInline, DataFlagInline]

    @admin.display(description=_("title"))
    def short_title(self, obj: Measure) -> str:
        return obj.title[:90]


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at", "file")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    # Read-only but for the approve action, which goes through the service.
    list_display = (
        "id",
        "summary",
        "target_type",
        "operation",
        "status",
        "organization",
        "author",
        "updated_at",
    )
    list_filter = ("status", "operation", "target_type", "organization")
    search_fields = ("summary", "explanation", "author__username")
    list_select_related = ("target_type", "organization", "author")
    readonly_fields = (
        "target_type",
        "target_id",
        "operation",
        "payload",
        "base_version",
        "base_values",
        "status",
        "author",
        "organization",
        "submitted_at",
        "decided_at",
        "decided_by",
        "created_at",
        "updated_at",
    )
    inlines = [ReviewEventInline, EvidenceInline]
    actions = ["approve_selected"]

    def has_add_permission(self, request) -> bool:
        # Change requests are made by the workflow services, with their author and base version.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_review_permission(self, request) -> bool:
        # The rules decide (tracker/rules.py): asked without an object, whether this person
        # reviews at all; the service asks again about each change request (four eyes).
        return request.user.has_perm("tracker.review_changerequest")

    @admin.action(description=_("Approve selected change requests"), permissions=["review"])
    def approve_selected(self, request, queryset) -> None:
        # Through the service, one by one: each approval has its own transaction, permission
        # check and conflict check, so one refusal does not undo the others.
        for cr in queryset.order_by("pk"):
            try:
                services.change_request_approve(cr_id=cr.pk, by=request.user)
            except (
                PermissionDenied,
                TransitionNotAllowed,
                services.ChangeConflict,
                ValidationError,
            ) as exc:
                self.message_user(
                    request,
                    _("No. %(id)s: %(error)s") % {"id": cr.pk, "error": exc},
                    messages.ERROR,
                )
            else:
                self.message_user(request, _("Change request No. %(id)s approved.") % {"id": cr.pk})


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "change_request", "action", "from_status", "to_status", "actor")
    list_filter = ("action", "to_status")
    list_select_related = ("change_request", "actor")
    search_fields = ("comment",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The review trail is the record of who decided what: it is never edited or removed.
        return False


@admin.register(Evidence)
class EvidenceAdmin(ChangedOnlyByReview, admin.ModelAdmin):
    list_display = ("original_name", "change_request", "content_type", "size", "uploaded_at")
    list_select_related = ("change_request",)
    search_fields = ("original_name",)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(TechnicalAid)
class TechnicalAidAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("key", "category", "number", "name_kk", "name_en")
    list_filter = ("category",)
    search_fields = ("name_kk", "name_ru", "name_en", "category_kk")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "recipient",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "kind", "language")
    search_fields = ("recipient", "subject")
    list_select_related = ("change_request",)
    readonly_fields = (
        "kind",
        "recipient",
        "language",
        "user",
        "change_request",
        "subject",
        "body",
        "html_body",
        "attachments",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "body_withheld")

    def get_fields(self, request, obj=None):
        # A reset message's body holds a link that sets the account's password: an administrator
        # reading it could take over the account (a superuser's too). Shown to nobody here.
        secret = obj is not None and obj.kind == NotificationKind.PASSWORD_RESET
        hidden = {"body", "html_body"} if secret else {"body_withheld"}
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    @admin.display(description=_("body"))
    def body_withheld(self, obj) -> str:
        return gettext("Not shown: it contains a one-time link to set the password.")

    def has_add_permission(self, request) -> bool:
        # Messages are written by the workflow, in the transaction of the change they report.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted row would be a silently dropped e-mail.
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def send_again(self, request, queryset) -> None:
        count = notifications.resend(queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(count)s messages queued again.") % {"count": count})
