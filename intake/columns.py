"""The template's sheets and columns: what is written out, what is read back, and how each cell
becomes a value in the change request's payload format (tracker/workflow/specs.py).

Each sheet has a hidden record id and base version per row; the editable columns map onto the
record's edit-spec fields; read-only columns give context and are ignored when read back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from indicators.models import Observation
from tracker.common.models import localized
from tracker.measures.models import Measure, MeasureKind, MeasureStatus
from tracker.workflow.specs import to_json

from .models import Sheet

ID, VERSION = "id", "version"


@dataclass(frozen=True)
class Column:
    code: str
    label: Any  # a lazy translation
    kind: str  # id, version, readonly, choice, int, decimal, date, text
    field: str = ""  # the edit-spec field it proposes ("" for read-only columns)
    choices: type[models.TextChoices] | None = None
    value: Callable[[Any], Any] | None = None  # the cell written into the template
    width: int = 16

    @property
    def editable(self) -> bool:
        return self.kind not in ("id", "version", "readonly")


@dataclass(frozen=True)
class SheetSpec:
    sheet: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    title: Any
    explanation_column: str = ""  # read into the change request's explanation, not its payload
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def editable(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.editable)

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)

    def column_for_field(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name and name), None)


def _choice_column(name: str, label: Any, choices: type[models.TextChoices]) -> Column:
    """A drop-down column for a field with choices (written as its label, read as either)."""
    return Column(
        name,
        label,
        "choice",
        field=name,
        choices=choices,
        value=lambda r: getattr(r, name),
        width=20,
    )


def _dims(obs: Observation) -> str:
    return obs.dims_key


MEASURES = SheetSpec(
    sheet=Sheet.MEASURES,
    model=Measure,
    title=_("Measures"),
    columns=(
        Column(ID, _("Record id"), "id", value=lambda m: m.pk),
        Column(VERSION, _("Version"), "version", value=lambda m: m.version),
        Column("key", _("Measure key"), "readonly", value=lambda m: m.key, width=14),
        Column("title", _("Title"), "readonly", value=lambda m: localized(m, "title"), width=60),
        _choice_column("kind", _("Kind"), MeasureKind),
        _choice_column("status", _("Status"), MeasureStatus),
        Column("progress", _("Progress, %"), "int", field="progress", value=lambda m: m.progress),
        Column(
            "start_date", _("Start date"), "date", field="start_date", value=lambda m: m.start_date
        ),
        Column("due_date", _("Due date"), "date", field="due_date", value=lambda m: m.due_date),
        Column(
            "completed_date",
            _("Completed date"),
            "date",
            field="completed_date",
            value=lambda m: m.completed_date,
        ),
    ),
)

OBSERVATIONS = SheetSpec(
    sheet=Sheet.OBSERVATIONS,
    model=Observation,
    title=_("Indicator values"),
    explanation_column="explanation",
    columns=(
        Column(ID, _("Record id"), "id", value=lambda o: o.pk),
        Column(VERSION, _("Version"), "version", value=lambda o: o.version),
        Column(
            "indicator", _("Indicator key"), "readonly", value=lambda o: o.indicator.key, width=24
        ),
        Column(
            "indicator_name",
            _("Indicator"),
            "readonly",
            value=lambda o: localized(o.indicator, "name"),
            width=50,
        ),
        Column("period_start", _("Period start"), "readonly", value=lambda o: o.period_start),
        Column("period_end", _("Period end"), "readonly", value=lambda o: o.period_end),
        Column("dimensions", _("Dimensions"), "readonly", value=_dims, width=24),
        Column("value", _("Value"), "decimal", field="value", value=lambda o: o.value),
        Column(
            "source_annex",
            _("Source (annex row)"),
            "text",
            field="source_annex",
            value=lambda o: o.source_annex,
            width=20,
        ),
        Column(
            "explanation",
            _("Explanation when off track"),
            "text",
            value=lambda o: "",
            width=40,
        ),
    ),
)

SHEETS: dict[str, SheetSpec] = {MEASURES.sheet: MEASURES, OBSERVATIONS.sheet: OBSERVATIONS}


def header_names(column: Column) -> set[str]:
    """Every name a column's heading may have: its code and its label in each language (a file
    downloaded from a Kazakh page may be uploaded from a Russian one)."""
    names = {column.code.casefold()}
    for lang in ("kk", "ru", "en"):
        with translation.override(lang):
            names.add(str(column.label).strip().casefold())
    return names


def choice_label(choices: type[models.TextChoices], code: str) -> str:
    return str(dict(choices.choices).get(code, code))


def _choice(column: Column, raw: Any) -> str | None:
    text = str(raw).strip()
    if not text:
        return None
    wanted = text.casefold()
    for code, label in column.choices.choices:
        if wanted == code.casefold():
            return code
        for lang in ("kk", "ru", "en"):
            with translation.override(lang):
                if wanted == str(label).casefold():
                    return code
    raise ValidationError(
        _("“%(value)s” is not one of the allowed values of column “%(column)s”."),
        params={"value": text, "column": column.label},
        code="choice",
    )


def _number_text(raw: Any) -> str:
    # Excel in kk and ru locales writes "1 234,5"; a thin or non-breaking space may group digits.
    text = str(raw).strip()
    for space in (" ", "\u00a0", "\u202f"):
        text = text.replace(space, "")
    return text.replace(",", ".")


def _number(column: Column, raw: Any, what: Any) -> Decimal | None:
    """A cell as a finite Decimal (None when empty), or a ValidationError naming the column."""
    if isinstance(raw, bool):
        raise _not_a(column, raw, what)
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    else:
        text = _number_text(raw)
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _not_a(column, raw, what) from None
    if not number.is_finite():
        raise _not_a(column, raw, what)
    return number


def _int(column: Column, raw: Any) -> int | None:
    number = _number(column, raw, _("a whole number"))
    if number is None:
        return None
    if number != number.to_integral_value():
        raise _not_a(column, raw, _("a whole number"))
    return int(number)


def _decimal(column: Column, raw: Any) -> str | None:
    number = _number(column, raw, _("a number"))
    return None if number is None else to_json(number)


def _parse_date(column: Column, raw: Any) -> str | None:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = str(raw).strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    raise _not_a(column, raw, _("a date (YYYY-MM-DD or DD.MM.YYYY)"))


def _not_a(column: Column, raw: Any, what: Any) -> ValidationError:
    return ValidationError(
        _("“%(value)s” in column “%(column)s” is not %(what)s."),
        params={"value": raw, "column": column.label, "what": what},
        code="cell",
    )


def new_observation_values(values: dict[str, Any]) -> dict[str, Any]:
    """A values-sheet row without a record id: a value for a new period (or cell) of one of the
    organisation's indicators, in payload format. ValidationError naming the column."""
    from indicators.models import DimensionValue, Indicator

    key = str(values.get("indicator") or "").strip()
    indicator = Indicator.objects.filter(key=key).first() if key else None
    if indicator is None:
        raise ValidationError(
            _("Column “%(column)s”: no indicator has the key “%(value)s”."),
            params={"column": OBSERVATIONS.column("indicator").label, "value": key},
            code="indicator",
        )
    payload = {
        "indicator": indicator.pk,
        "period_start": parse_cell(_DATE_READ["period_start"], values.get("period_start")),
        "period_end": parse_cell(_DATE_READ["period_end"], values.get("period_end")),
        "dimension_values": [],
    }
    for pair in filter(None, str(values.get("dimensions") or "").split(";")):
        dimension, _sep, code = (part.strip() for part in pair.partition("="))
        found = DimensionValue.objects.filter(dimension__code=dimension, code=code).first()
        if found is None:
            raise ValidationError(
                _("Column “%(column)s”: “%(value)s” is not a dimension value (e.g. sex=female)."),
                params={"column": OBSERVATIONS.column("dimensions").label, "value": pair},
                code="dimension",
            )
        payload["dimension_values"].append(found.pk)
    for name in ("value", "source_annex"):
        payload[name] = parse_cell(OBSERVATIONS.column(name), values.get(name))
    return payload


def parse_cell(column: Column, raw: Any) -> Any:
    """A cell as a payload value (None for an empty cell); ValidationError naming the column."""
    if raw is None:
        return None
    if column.kind == "choice":
        return _choice(column, raw)
    if column.kind == "int":
        return _int(column, raw)
    if column.kind == "decimal":
        return _decimal(column, raw)
    if column.kind == "date":
        return _parse_date(column, raw)
    text = str(raw).strip()
    return text or None


# A new row's period is read like any date column (in the template it is for reference only).
_DATE_READ = {
    name: Column(name, OBSERVATIONS.column(name).label, "date")
    for name in ("period_start", "period_end")
}
