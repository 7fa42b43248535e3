"""Pieces every domain model shares: provenance, optimistic-locking versions, localised names."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models, router
from django.db.models import CheckConstraint
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Curation(models.TextChoices):
    EXTRACTED = "extracted", _("Extracted by the project's code")
    CURATED = "curated", _("Curated by hand from the report")
    ENTERED = "entered", _("Entered in the tracker")


def localized_with_language(obj: object, field: str) -> tuple[str, str]:
    """The value of `<field>_<lang>` for the active language, falling back to Kazakh, then any,
    with the language the value is in (pages mark a fallback with its own `lang`)."""
    lang = (get_language() or "kk")[:2]
    for code in (lang, "kk", "ru", "en"):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value, code
    return "", lang


def localized(obj: object, field: str) -> str:
    return localized_with_language(obj, field)[0]


class Provenance(models.Model):
    """Where a record came from: the report's annex row, and whether code or a person read it."""

    curation = models.CharField(
        _("curation"), max_length=16, choices=Curation.choices, default=Curation.ENTERED
    )
    source_annex = models.CharField(
        _("source annex row"), max_length=120, blank=True, help_text=_("e.g. annex2:row 3")
    )
    flags = GenericRelation("tracker.DataFlag")

    class Meta:
        abstract = True


def checks_hold_together(instance: models.Model, checks: list, exclude, using: str) -> bool:
    """Whether every CheckConstraint in `checks` holds for `instance`, asked in one statement.

    Django asks the database once per check constraint, each in a savepoint: three statements per
    constraint per validation, and an edit form validates its record several times per change
    (issue 12: 18 of a measure's 33 statements when it is proposed). One SELECT of every condition
    against the instance's values gives the same answers. False when any fails or they cannot be
    asked together; the caller then lets Django ask each, which names the failing one."""
    from contextlib import nullcontext

    from django.core.exceptions import FieldError
    from django.db import DatabaseError, connections, transaction
    from django.db.models import BooleanField, ExpressionWrapper, Q, Value
    from django.db.models.functions import Coalesce
    from django.db.models.sql import Query
    from django.db.models.sql.constants import SINGLE

    against = instance._get_field_expression_map(meta=instance._meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    asked = 0
    for i, check in enumerate(checks):
        condition = ExpressionWrapper(Q(check.condition), output_field=BooleanField())
        try:
            query.add_annotation(Coalesce(condition, True, output_field=BooleanField()), f"_c{i}")
        except FieldError:  # it names a field left out of this validation: Django skips it too
            continue
        asked += 1
    if not asked:
        return True
    atomic = connections[using].in_atomic_block
    try:
        with transaction.atomic(using=using) if atomic else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:  # Django's own path asks one by one (and logs what failed)
        return False
    return row is not None and all(row)


class Versioned(models.Model):
    """A row whose every change is counted: `version` is the optimistic lock of the change requests
    (live records) and goes up with every administrator's save of reference data."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None) -> None:
        """Django's validation of the constraints, with the check constraints asked together
        (checks_hold_together): when they all hold, Django validates the others alone
        (get_constraints leaves the checks out meanwhile); when one fails, Django asks each and
        names it."""
        using = router.db_for_write(type(self), instance=self)
        checks = [c for _m, found in self.get_constraints() for c in found if _is_check(c)]
        self._checks_held = bool(checks) and checks_hold_together(self, checks, exclude, using)
        try:
            super().validate_constraints(exclude=exclude)
        finally:
            del self._checks_held

    def get_constraints(self):
        found = super().get_constraints()
        if not getattr(self, "_checks_held", False):
            return found
        return [(model, [c for c in cs if not _is_check(c)]) for model, cs in found]


def _is_check(constraint) -> bool:
    return isinstance(constraint, CheckConstraint)
