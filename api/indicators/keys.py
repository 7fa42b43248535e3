"""Natural keys of indicators' records that have no single key field.

- a dimension value: `dimension:value` (`region:akmola`), as in `?dim=region:akmola`;
- a target: `<indicator key>@<year>` (`ind:pwd:total@2019`);
- an observation: its `key` where it has one (fixtures), else its cell,
  `<indicator key>@<period start>/<period end>[<dims key>]`
  (`ind:pwd:total@2017-01-01/2017-01-01[region=akmola]`) — observations approved through change
  requests get no key, and are still named.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q

from api.keys import KeyCodec, register
from indicators.models import DimensionValue, Observation, Target


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    return value.strip()


def _pair(value: Any) -> str:
    dimension, sep, code = _text(value).partition(":")
    if not (sep and dimension and code):
        raise ValueError(value)
    return f"{dimension}:{code}"


def _pair_lookup(key: str) -> Q:
    dimension, _sep, code = key.partition(":")
    return Q(dimension__code=dimension, code=code)


_TARGET = re.compile(r"^(?P<indicator>.+)@(?P<year>\d{4})$")


def _target_key(value: Any) -> str:
    if not _TARGET.match(_text(value)):
        raise ValueError(value)
    return _text(value)


def _target_lookup(key: str) -> Q:
    match = _TARGET.match(key)
    return Q(indicator__key=match["indicator"], year=int(match["year"]))


_CELL = re.compile(
    r"^(?P<indicator>.+)@(?P<start>\d{4}-\d{2}-\d{2})/(?P<end>\d{4}-\d{2}-\d{2})"
    r"(?:\[(?P<dims>[^\]]*)\])?$"
)


def observation_ref(obs: Observation) -> str:
    if obs.key:
        return obs.key
    dims = f"[{obs.dims_key}]" if obs.dims_key else ""
    return f"{obs.indicator.key}@{obs.period_start.isoformat()}/{obs.period_end.isoformat()}{dims}"


def _observation_lookup(key: str) -> Q:
    match = _CELL.match(key)
    if match is None:
        return Q(key=key)
    try:
        start, end = (dt.date.fromisoformat(match[n]) for n in ("start", "end"))
    except ValueError:
        return Q(pk__in=[])
    return Q(
        indicator__key=match["indicator"],
        period_start=start,
        period_end=end,
        dims_key=match["dims"] or "",
    )


register(
    KeyCodec(
        model=DimensionValue,
        encode=lambda dv: f"{dv.dimension.code}:{dv.code}",
        normalize=_pair,
        lookup=_pair_lookup,
        select_related=("dimension",),
    )
)
register(
    KeyCodec(
        model=Target,
        encode=lambda t: f"{t.indicator.key}@{t.year}",
        normalize=_target_key,
        lookup=_target_lookup,
        select_related=("indicator",),
    )
)
register(
    KeyCodec(
        model=Observation,
        encode=observation_ref,
        normalize=_text,
        lookup=_observation_lookup,
        select_related=("indicator",),
    )
)
