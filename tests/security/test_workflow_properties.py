"""Property-based: any sequence of proposals, edits, submissions, approvals, returns, rejections,
withdrawals and rebases, by any of the people below, keeps the workflow's invariants:

- nobody approves (or returns, or rejects) their own change, and only coordinators decide;
- a record's version and a change request's version only rise;
- the live record equals its last approved change (and its version counts the approvals).

Hypothesis drives the real services against the real database; each generated sequence runs in
a savepoint rolled back afterwards, so every sequence starts from the same people and measures.
The run is derandomised (the same sequences on every run and in CI) and sized to a few seconds.
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests import factories as f
from tracker.models import ChangeRequest, Measure, ReviewEvent
from tracker.workflow import services
from tracker.workflow.transitions import TransitionNotAllowed

# Every refusal a service may answer with; anything else is a defect.
REFUSALS = (
    PermissionDenied,
    ValidationError,
    TransitionNotAllowed,
    services.ChangeConflict,
    services.DraftChanged,
)
PEOPLE = ("editor_a", "editor_a2", "editor_b", "reviewer", "reviewer2", "admin", "member_a")
COORDINATORS = {"reviewer", "reviewer2", "admin"}
PROGRESS = st.sampled_from([10, 40, 55, 70, 90])
START_PROGRESS = 40
who = st.sampled_from(PEOPLE)
# For the moves that are the author's: half the time the change request's own author (None).
author_or_who = st.one_of(st.none(), who)
# For decisions: half the time a coordinator.
decider = st.one_of(st.sampled_from(sorted(COORDINATORS)), who)
# Which change request a move is tried on: mostly the newest ones, so that a draft is submitted
# and then decided within one sequence often enough.
pick = st.integers(min_value=0, max_value=3)

# Across all generated sequences: the decisions that really happened. A run where every approval
# was refused would prove nothing about approvals.
OUTCOMES: dict[str, int] = {}


class WorkflowMachine(RuleBasedStateMachine):
    people: ClassVar[dict] = {}
    measure_ids: ClassVar[list[int]] = []

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.crs: list[int] = []
        self.versions: dict[tuple[str, int], int] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # Helpers -----------------------------------------------------------------------------------

    def _cr(self, index: int) -> ChangeRequest:
        return ChangeRequest.objects.get(pk=self.crs[-1 - index % len(self.crs)])

    def _name(self, by: str | None, cr: ChangeRequest) -> str:
        if by is not None:
            return by
        return next(name for name, user in self.people.items() if user.pk == cr.author_id)

    def _try(self, name: str, service, **kwargs) -> ChangeRequest | None:
        try:
            result = service(**kwargs)
        except REFUSALS:
            return None
        OUTCOMES[name] = OUTCOMES.get(name, 0) + 1
        return result

    # Rules -------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.crs) < 5)
    @rule(by=who, measure=st.integers(0, 1), progress=PROGRESS)
    def propose(self, by: str, measure: int, progress: int) -> None:
        target = Measure.objects.get(pk=self.measure_ids[measure])
        cr = self._try(
            "propose",
            services.change_request_create,
            by=self.people[by],
            target=target,
            payload={"progress": progress},
        )
        if cr is not None:
            assert by != "member_a"
            assert by != "editor_b"
            assert progress != target.progress  # nothing-changing proposals are refused
            self.crs.append(cr.pk)

    @precondition(lambda self: self.crs)
    @rule(by=author_or_who, index=pick, progress=PROGRESS, stale=st.booleans())
    def edit(self, by: str | None, index: int, progress: int, stale: bool) -> None:
        cr = self._cr(index)
        by = self._name(by, cr)
        expected = cr.version - 1 if stale else cr.version
        edited = self._try(
            "edit",
            services.change_request_update_draft,
            cr_id=cr.pk,
            by=self.people[by],
            payload={"progress": progress},
            expected_version=expected,
        )
        if edited is not None:
            assert not stale
            assert self.people[by].pk == cr.author_id
            assert edited.payload == {"progress": progress}

    @precondition(lambda self: self.crs)
    @rule(by=author_or_who, index=pick)
    def submit(self, by: str | None, index: int) -> None:
        cr = self._cr(index)
        by = self._name(by, cr)
        if self._try("submit", services.change_request_submit, cr_id=cr.pk, by=self.people[by]):
            assert self.people[by].pk == cr.author_id

    @precondition(lambda self: self.crs)
    @rule(by=decider, index=pick)
    def approve(self, by: str, index: int) -> None:
        cr = self._cr(index)
        live_before = Measure.objects.get(pk=cr.target_id)
        approved = self._try(
            "approve", services.change_request_approve, cr_id=cr.pk, by=self.people[by]
        )
        if approved is not None:
            assert by in COORDINATORS
            assert self.people[by].pk != cr.author_id
            assert cr.base_version == live_before.version
            live = Measure.objects.get(pk=cr.target_id)
            assert (live.progress, live.version) == (
                cr.payload["progress"],
                live_before.version + 1,
            )

    def _decide_with_comment(self, decision: str, service, by: str, index: int) -> None:
        cr = self._cr(index)
        if self._try(decision, service, cr_id=cr.pk, by=self.people[by], comment="Why"):
            assert by in COORDINATORS
            assert self.people[by].pk != cr.author_id

    @precondition(lambda self: self.crs)
    @rule(by=decider, index=pick)
    def return_(self, by: str, index: int) -> None:
        self._decide_with_comment("return", services.change_request_return, by, index)

    @precondition(lambda self: self.crs)
    @rule(by=decider, index=pick)
    def reject(self, by: str, index: int) -> None:
        self._decide_with_comment("reject", services.change_request_reject, by, index)

    @precondition(lambda self: self.crs)
    @rule(by=author_or_who, index=pick)
    def withdraw(self, by: str | None, index: int) -> None:
        cr = self._cr(index)
        by = self._name(by, cr)
        service = services.change_request_withdraw
        if self._try("withdraw", service, cr_id=cr.pk, by=self.people[by]):
            assert self.people[by].pk == cr.author_id

    @precondition(lambda self: self.crs)
    @rule(by=author_or_who, index=pick)
    def rebase(self, by: str | None, index: int) -> None:
        cr = self._cr(index)
        by = self._name(by, cr)
        rebased = self._try(
            "rebase", services.change_request_rebase, cr_id=cr.pk, by=self.people[by]
        )
        if rebased is not None:
            assert rebased.base_version == Measure.objects.get(pk=cr.target_id).version

    # Invariants --------------------------------------------------------------------------------

    @invariant()
    def decisions_only_by_other_coordinators(self) -> None:
        coordinators = {self.people[name].pk for name in COORDINATORS}
        for actor, author in ReviewEvent.objects.filter(
            action__in=["approve", "return", "reject"]
        ).values_list("actor_id", "change_request__author_id"):
            assert actor in coordinators
            assert actor != author

    @invariant()
    def live_record_is_the_last_approved_change(self) -> None:
        measure_type = ContentType.objects.get_for_model(Measure)
        approvals = ReviewEvent.objects.filter(
            action="approve", change_request__target_type=measure_type
        ).order_by("pk")
        last: dict[int, int] = {}
        count: dict[int, int] = {}
        for target_id, payload in approvals.values_list(
            "change_request__target_id", "change_request__payload"
        ):
            last[target_id] = payload["progress"]
            count[target_id] = count.get(target_id, 0) + 1
        for measure in Measure.objects.filter(pk__in=self.measure_ids):
            assert measure.progress == last.get(measure.pk, START_PROGRESS)
            assert measure.version == 1 + count.get(measure.pk, 0)

    @invariant()
    def versions_only_rise(self) -> None:
        rows = [
            *(
                ("m", pk, v)
                for pk, v in Measure.objects.filter(pk__in=self.measure_ids).values_list(
                    "pk", "version"
                )
            ),
            *(
                ("cr", pk, v)
                for pk, v in ChangeRequest.objects.filter(pk__in=self.crs).values_list(
                    "pk", "version"
                )
            ),
        ]
        for kind, pk, version in rows:
            assert version >= self.versions.get((kind, pk), 0)
            self.versions[kind, pk] = version


@pytest.fixture
def cast(db, queued):
    org_a = f.OrganizationFactory(code="MH")
    org_b = f.OrganizationFactory(code="MES")
    focal = f.OrganizationFactory(code="MLSPP")
    people = {
        "editor_a": f.UserFactory(editor=True, organization=org_a),
        "editor_a2": f.UserFactory(editor=True, organization=org_a),
        "editor_b": f.UserFactory(editor=True, organization=org_b),
        "reviewer": f.UserFactory(reviewer=True, organization=focal),
        "reviewer2": f.UserFactory(reviewer=True, organization=focal),
        "admin": f.UserFactory(administrator=True, organization=focal),
        "member_a": f.UserFactory(organization=org_a),
    }
    measures = [f.MeasureFactory(organizations=[org_a], progress=START_PROGRESS) for _ in "ab"]
    return people, [m.pk for m in measures]


def test_any_sequence_keeps_the_workflow_invariants(cast):
    WorkflowMachine.people, WorkflowMachine.measure_ids = cast
    OUTCOMES.clear()
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The sequences really exercised every move, successes included.
    for move in ("propose", "edit", "submit", "approve", "return", "reject", "withdraw", "rebase"):
        assert OUTCOMES.get(move, 0) > 0, (move, OUTCOMES)
