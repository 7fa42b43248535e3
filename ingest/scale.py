"""Scale data for benchmarks (issue 12): the CRPD data as if N reporting cycles had been kept.

`generate(factor)` adds, on top of the loaded CRPD data, factor - 1 copies ("cycles") of the
report's paragraphs (numbered from cycle × 10,000), of its citations (pinned to the copied
paragraphs, so the Constitution is cited thousands of times at 100×), of the measures (with their
articles, responsible organisations, copied source paragraphs and legal basis: the ministries that
carry most of the report carry most of the copies), of the indicators (articles, dimensions,
targets, observations) and, per cycle, a few indicators with a full regional series (16 regions ×
20 years). It adds users per organisation in proportion to its measures (so a few organisations
are far larger than the rest), reviewers, and per cycle 50 change requests in every state with
their review events, the approved ones applied (version 2) with their history row.

Everything is written with bulk_create in batches, never one save() per row, and without the
workflow's validation: it is test data, made consistent by construction (keys unique per cycle,
an implemented measure at 100 %, one observation per cell). It is idempotent towards a factor:
cycles already present are skipped, so `--factor 100` after `--factor 10` adds cycles 10–99.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from indicators.models import Dimension, Indicator, Observation, Target
from tracker.common import generation
from tracker.models import (
    ChangeOperation,
    ChangeRequest,
    ChangeStatus,
    Citation,
    Measure,
    MeasureStatus,
    Organization,
    ReportParagraph,
    ReviewAction,
    ReviewEvent,
    User,
)
from tracker.organisations.roles import EDITOR, REVIEWER
from tracker.workflow.specs import spec_for, to_json

BATCH = 5000
CYCLE = 10_000  # paragraph numbers of cycle c start at c × CYCLE (the report has 508)
REGIONAL_PER_CYCLE = 4
REGION_YEARS = range(2005, 2025)
CHANGES_PER_CYCLE = 50
USER_PREFIX = "scale-"


def _suffix(cycle: int) -> str:
    return f":s{cycle}"


def _fields(obj: models.Model, **overrides) -> dict:
    values = {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if not f.primary_key
    }
    values.update(overrides)
    return values


def _insert(model: type[models.Model], rows: Iterable[models.Model]) -> list[models.Model]:
    return model.objects.bulk_create(list(rows), batch_size=BATCH)


def _copy_links(
    field: models.ManyToManyField,
    ids: dict[int, int],
    other_ids: dict[int, int] | None = None,
) -> None:
    """Copy the many-to-many links of the originals in `ids` onto their copies; the other side
    mapped through `other_ids` when it was copied too (links to records not copied are dropped)."""
    through = field.remote_field.through
    source = field.m2m_field_name() + "_id"
    target = field.m2m_reverse_field_name() + "_id"
    rows = through.objects.filter(**{f"{source}__in": list(ids)}).values_list(source, target)
    copies = []
    for src, other in rows.iterator():
        if other_ids is not None:
            other = other_ids.get(other)
            if other is None:
                continue
        copies.append(through(**{source: ids[src], target: other}))
    _insert(through, copies)


def existing_cycles() -> set[int]:
    keys = Measure.objects.filter(key__regex=r":s[0-9]+$").values_list("key", flat=True)
    return {int(key.rsplit(":s", 1)[1]) for key in keys}


class Originals:
    """The loaded CRPD data every cycle copies, read once."""

    def __init__(self) -> None:
        original = ~models.Q(key__regex=r":s[0-9]+$")
        self.paragraphs = list(ReportParagraph.objects.filter(number__lt=CYCLE))
        self.citations = list(Citation.objects.filter(original))
        self.measures = list(Measure.objects.filter(original))
        self.indicators = list(Indicator.objects.filter(original))
        indicator_ids = [i.pk for i in self.indicators]
        self.targets = list(Target.objects.filter(indicator_id__in=indicator_ids))
        self.observations = list(Observation.objects.filter(indicator_id__in=indicator_ids))
        region = Dimension.objects.filter(code="region").first()
        self.region = region
        self.regions = list(region.values.order_by("code")) if region else []


def _copy_paragraphs(orig: Originals, cycle: int) -> dict[int, int]:
    copies = [
        ReportParagraph(
            **_fields(
                p,
                number=p.number + cycle * CYCLE,
                text_kk=p.text_kk,
                text_printed="",
                version=1,
            )
        )
        for p in orig.paragraphs
    ]
    _insert(ReportParagraph, copies)
    ids = {p.pk: c.pk for p, c in zip(orig.paragraphs, copies, strict=True)}
    _copy_links(ReportParagraph._meta.get_field("convention_articles"), ids)
    return ids


def _copy_citations(orig: Originals, cycle: int, paragraphs: dict[int, int]) -> dict[int, int]:
    copies = [
        Citation(
            **_fields(
                c,
                key=c.key + _suffix(cycle),
                paragraph_id=paragraphs.get(c.paragraph_id, c.paragraph_id),
                version=1,
            )
        )
        for c in orig.citations
    ]
    _insert(Citation, copies)
    return {c.pk: n.pk for c, n in zip(orig.citations, copies, strict=True)}


def _copy_measures(
    orig: Originals, cycle: int, paragraphs: dict[int, int], citations: dict[int, int]
) -> list[Measure]:
    today = timezone.localdate()
    copies = []
    for i, m in enumerate(orig.measures):
        due = today + dt.timedelta(days=(cycle * 37 + i * 11) % 1460 - 730)
        start = m.start_date if m.start_date and m.start_date <= due else None
        copies.append(
            Measure(
                **_fields(
                    m,
                    key=m.key + _suffix(cycle),
                    version=1,
                    start_date=start,
                    due_date=due,
                    needs_review=(cycle + i) % 40 == 0,
                )
            )
        )
    _insert(Measure, copies)
    ids = {m.pk: c.pk for m, c in zip(orig.measures, copies, strict=True)}
    _copy_links(Measure._meta.get_field("articles"), ids)
    _copy_links(Measure._meta.get_field("organizations"), ids)
    _copy_links(Measure._meta.get_field("source_paragraphs"), ids, paragraphs)
    _copy_links(Measure._meta.get_field("legal_basis"), ids, citations)
    return copies


def _copy_indicators(orig: Originals, cycle: int, paragraphs: dict[int, int]) -> list[Indicator]:
    copies = [
        Indicator(**_fields(i, key=i.key + _suffix(cycle), version=1)) for i in orig.indicators
    ]
    _insert(Indicator, copies)
    ids = {i.pk: c.pk for i, c in zip(orig.indicators, copies, strict=True)}
    for name in ("articles", "dimensions"):
        _copy_links(Indicator._meta.get_field(name), ids)
    _copy_links(Indicator._meta.get_field("source_paragraphs"), ids, paragraphs)
    _insert(
        Target,
        (Target(**_fields(t, indicator_id=ids[t.indicator_id], version=1)) for t in orig.targets),
    )
    observations = [
        Observation(
            **_fields(
                o,
                key=None,
                indicator_id=ids[o.indicator_id],
                paragraph_id=paragraphs.get(o.paragraph_id, o.paragraph_id),
                version=1,
            )
        )
        for o in orig.observations
    ]
    _insert(Observation, observations)
    _copy_links(
        Observation._meta.get_field("dimension_values"),
        {o.pk: c.pk for o, c in zip(orig.observations, observations, strict=True)},
    )
    return copies


def _regional_series(orig: Originals, cycle: int, indicators: list[Indicator]) -> None:
    """A few of the cycle's indicators get a value per region and year (16 × 20 cells)."""
    if not orig.regions:
        return
    rng = random.Random(cycle)  # noqa: S311 - reproducible test data, not a secret
    chosen = rng.sample(indicators, min(REGIONAL_PER_CYCLE, len(indicators)))
    Indicator.dimensions.through.objects.bulk_create(
        [
            Indicator.dimensions.through(indicator_id=i.pk, dimension_id=orig.region.pk)
            for i in chosen
        ],
        ignore_conflicts=True,
    )
    cells = [
        (indicator, region, year)
        for indicator in chosen
        for region in orig.regions
        for year in REGION_YEARS
    ]
    observations = [
        Observation(
            indicator_id=indicator.pk,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(rng.randint(100, 99_999)) / 10,
            dims_key=f"region={region.code}",
        )
        for indicator, region, year in cells
    ]
    _insert(Observation, observations)
    link = Observation.dimension_values.through
    _insert(
        link,
        (
            link(observation_id=o.pk, dimensionvalue_id=region.pk)
            for o, (_i, region, _y) in zip(observations, cells, strict=True)
        ),
    )


def ensure_users(factor: int, password_hash: str, orig: Originals) -> dict[int, list[int]]:
    """Editors per organisation in proportion to the measures it is responsible for (one at
    least), and 1 + factor // 10 reviewers at the focal point: {organisation id: editor ids},
    reviewers under 0."""
    groups = {name: Group.objects.get(name=name) for name in (EDITOR, REVIEWER)}
    weight = Counter(
        Measure.organizations.through.objects.filter(
            measure_id__in=[m.pk for m in orig.measures]
        ).values_list("organization_id", flat=True)
    )
    orgs = Organization.objects.filter(pk__in=list(weight)).order_by("pk")
    wanted = {
        f"{USER_PREFIX}editor-{org.code.lower()}-{n}": (org.pk, EDITOR)
        for org in orgs
        for n in range(1 + weight[org.pk] * factor // 400)
    }
    # Reviewers work at the focal point: the organisation responsible for the most measures.
    focal = weight.most_common(1)[0][0] if weight else None
    wanted.update(
        {f"{USER_PREFIX}reviewer-{n}": (focal, REVIEWER) for n in range(1 + factor // 10)}
    )
    have = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    new = [
        User(
            username=name,
            email=f"{name}@scale.invalid",
            organization_id=org_id,
            password=password_hash,
            language=("kk", "ru", "en")[len(name) % 3],
        )
        for name, (org_id, _role) in wanted.items()
        if name not in have
    ]
    _insert(User, new)
    link = User.groups.through
    _insert(link, (link(user_id=u.pk, group_id=groups[wanted[u.username][1]].pk) for u in new))
    staff: dict[int, list[int]] = {}
    users = User.objects.filter(username__in=list(wanted)).order_by("pk")
    for user_id, name in users.values_list("pk", "username"):
        org_id, role = wanted[name]
        staff.setdefault(org_id if role == EDITOR else 0, []).append(user_id)
    return staff


# The states of a cycle's change requests, in proportion: mostly approved, some waiting.
_STATES = [ChangeStatus.APPROVED] * 12 + [ChangeStatus.SUBMITTED] * 3 + [ChangeStatus.RETURNED] * 2
_STATES += [ChangeStatus.DRAFT] * 2 + [ChangeStatus.REJECTED]
_EVENTS = {
    ChangeStatus.DRAFT: [],
    ChangeStatus.SUBMITTED: [ReviewAction.SUBMIT],
    ChangeStatus.APPROVED: [ReviewAction.SUBMIT, ReviewAction.APPROVE],
    ChangeStatus.RETURNED: [ReviewAction.SUBMIT, ReviewAction.RETURN],
    ChangeStatus.REJECTED: [ReviewAction.SUBMIT, ReviewAction.REJECT],
}


def _base_values(measures: list[Measure]) -> dict[int, dict]:
    """Every editable field of each measure in payload format, links read in one query each."""
    spec = spec_for(Measure)
    values = {m.pk: {} for m in measures}
    for name in spec.fields:
        field = Measure._meta.get_field(name)
        if field.many_to_many:
            for row in values.values():
                row[name] = []
            other = field.m2m_reverse_field_name() + "_id"
            links = field.remote_field.through.objects.filter(measure_id__in=list(values))
            for measure_id, pk in links.order_by(other).values_list("measure_id", other):
                values[measure_id][name].append(pk)
        else:
            for m in measures:
                values[m.pk][name] = to_json(getattr(m, field.attname))
    return values


def _change_requests(cycle: int, measures: list[Measure], staff: dict[int, list[int]]) -> None:
    """CHANGES_PER_CYCLE changes to the cycle's unfinished measures, each proposing a new
    progress; the approved ones applied with their one history row."""
    org_of = dict(
        Measure.organizations.through.objects.filter(
            measure_id__in=[m.pk for m in measures]
        ).values_list("measure_id", "organization_id")
    )
    open_statuses = {MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DELAYED}
    eligible = [m for m in measures if m.status in open_statuses and org_of.get(m.pk) in staff]
    targets = eligible[:CHANGES_PER_CYCLE]
    base = _base_values(targets)
    measure_type = ContentType.objects.get_for_model(Measure)
    reviewers = staff[0]
    rows, approved = [], []
    now = timezone.now()
    for i, m in enumerate(targets):
        status = _STATES[i % len(_STATES)]
        editors = staff[org_of[m.pk]]
        progress = (m.progress or 0) + 1 + (i % 9) if (m.progress or 0) < 90 else 95
        decided = status in (ChangeStatus.APPROVED, ChangeStatus.RETURNED, ChangeStatus.REJECTED)
        cr = ChangeRequest(
            target_type=measure_type,
            target_id=m.pk,
            operation=ChangeOperation.UPDATE,
            payload={"progress": progress},
            base_version=1,
            base_values=base[m.pk],
            summary=f"Progress {progress} % (cycle {cycle})",
            status=status,
            author_id=editors[i % len(editors)],
            organization_id=org_of[m.pk],
            submitted_at=now if status != ChangeStatus.DRAFT else None,
            decided_at=now if decided else None,
            decided_by_id=reviewers[i % len(reviewers)] if decided else None,
        )
        rows.append(cr)
        if status == ChangeStatus.APPROVED:
            m.progress, m.version = progress, 2
            approved.append((m, cr))
    _insert(ChangeRequest, rows)
    _events(rows)
    Measure.objects.bulk_update([m for m, _cr in approved], ["progress", "version"], BATCH)
    for m, cr in approved:
        m._history_user = User(pk=cr.decided_by_id)
        m._change_reason = f"CR #{cr.pk}, approved"
    Measure.history.bulk_history_create([m for m, _cr in approved], update=True)


def _events(rows: list[ChangeRequest]) -> None:
    events = []
    for cr in rows:
        events.append(
            ReviewEvent(
                change_request_id=cr.pk,
                action=ReviewAction.CREATE,
                from_status="",
                to_status=ChangeStatus.DRAFT,
                actor_id=cr.author_id,
            )
        )
        before = ChangeStatus.DRAFT
        for action in _EVENTS[cr.status]:
            after = ChangeStatus.SUBMITTED if action == ReviewAction.SUBMIT else cr.status
            actor = cr.author_id if action == ReviewAction.SUBMIT else cr.decided_by_id
            comment = "" if action in (ReviewAction.SUBMIT, ReviewAction.APPROVE) else "Explain."
            events.append(
                ReviewEvent(
                    change_request_id=cr.pk,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor_id=actor,
                    comment=comment,
                )
            )
            before = after
    _insert(ReviewEvent, events)


_SPREAD_IN_TIME = """
UPDATE tracker_changerequest SET
    created_at = now() - (id % 365) * interval '1 day' - interval '3 days',
    submitted_at = CASE WHEN submitted_at IS NULL THEN NULL
        ELSE now() - (id % 365) * interval '1 day' - interval '2 days' END,
    decided_at = CASE WHEN decided_at IS NULL THEN NULL
        ELSE now() - (id % 365) * interval '1 day' END
WHERE summary LIKE 'Progress %% (cycle %%)';
UPDATE tracker_reviewevent e SET created_at = CASE e.action
        WHEN 'create' THEN cr.created_at WHEN 'submit' THEN cr.submitted_at ELSE cr.decided_at END
FROM tracker_changerequest cr
WHERE cr.id = e.change_request_id AND cr.summary LIKE 'Progress %% (cycle %%)';
"""


def generate(factor: int, *, password: str | None = None, log=print) -> dict[str, int]:
    """Bring the data to `factor` times the CRPD data (see the module's docstring)."""
    orig = Originals()
    if not orig.measures:
        raise ValueError("Load the CRPD data first (manage.py load_crpd).")
    password_hash = make_password(password)  # None: an unusable password
    done = existing_cycles()
    with transaction.atomic():
        staff = ensure_users(factor, password_hash, orig)
    for cycle in range(1, factor):
        if cycle in done:
            continue
        with transaction.atomic():
            paragraphs = _copy_paragraphs(orig, cycle)
            citations = _copy_citations(orig, cycle, paragraphs)
            measures = _copy_measures(orig, cycle, paragraphs, citations)
            indicators = _copy_indicators(orig, cycle, paragraphs)
            _regional_series(orig, cycle, indicators)
            _change_requests(cycle, measures, staff)
        if cycle % 10 == 0:
            log(f"cycle {cycle} of {factor - 1}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_SPREAD_IN_TIME)
            cursor.execute("ANALYZE")
    generation.bump()  # bulk_create sends no signals: what was cached from the data is stale
    return counts()


def counts() -> dict[str, int]:
    return {
        "paragraphs": ReportParagraph.objects.count(),
        "citations": Citation.objects.count(),
        "measures": Measure.objects.count(),
        "indicators": Indicator.objects.count(),
        "observations": Observation.objects.count(),
        "change requests": ChangeRequest.objects.count(),
        "review events": ReviewEvent.objects.count(),
        "users": User.objects.count(),
    }
