"""Approvals racing on real PostgreSQL: row locks and the version check let exactly one change
through; every other one gets a conflict and is left untouched."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from tests import factories as f
from tracker.models import ChangeRequest, Measure, ReviewEvent, User
from tracker.workflow import services
from tracker.workflow.transitions import TransitionNotAllowed

N = 8


def _race(targets: list[tuple[int, int]]) -> dict[int, str]:
    """Approve each (cr_id, reviewer_id) in its own thread, all at the same moment; outcomes by
    thread index."""
    barrier = threading.Barrier(len(targets))
    outcomes: dict[int, str] = {}

    def approve(index: int, cr_id: int, reviewer_id: int) -> None:
        try:
            reviewer = User.objects.get(pk=reviewer_id)
            barrier.wait(timeout=30)
            services.change_request_approve(cr_id=cr_id, by=reviewer)
            outcomes[index] = "approved"
        except services.ChangeConflict:
            outcomes[index] = "conflict"
        except TransitionNotAllowed:
            outcomes[index] = "not_allowed"
        except Exception as exc:  # any other outcome fails the assertions, by name
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(i, cr_id, reviewer_id))
        for i, (cr_id, reviewer_id) in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_many_approvals_of_changes_on_one_version_apply_exactly_one(
    author, reviewer, measure, propose
):
    crs = [propose(measure, {"progress": 10 + i, "title_en": f"Take {i}"}) for i in range(N)]
    assert {cr.base_version for cr in crs} == {1}
    history_before = measure.history.count()

    outcomes = _race([(cr.pk, reviewer.pk) for cr in crs])

    assert Counter(outcomes.values()) == {"approved": 1, "conflict": N - 1}, outcomes
    (winner_index,) = [i for i, o in outcomes.items() if o == "approved"]
    winner = crs[winner_index]
    measure.refresh_from_db()
    assert measure.version == 2
    assert (measure.progress, measure.title_en) == (10 + winner_index, f"Take {winner_index}")
    assert measure.history.count() == history_before + 1
    statuses = dict(ChangeRequest.objects.values_list("pk", "status"))
    assert statuses.pop(winner.pk) == "approved"
    assert set(statuses.values()) == {"submitted"}
    # No loser is half-applied: no decision recorded, no approve event.
    losers = ChangeRequest.objects.exclude(pk=winner.pk)
    assert not losers.filter(decided_by__isnull=False).exists()
    assert not ReviewEvent.objects.filter(change_request__in=losers, action="approve").exists()
    assert ReviewEvent.objects.filter(action="approve").count() == 1


@pytest.mark.django_db(transaction=True)
def test_losers_rebase_and_are_applied_one_by_one_without_losing_an_update(
    author, reviewer, measure, propose
):
    first = propose(measure, {"progress": 60})
    second = propose(measure, {"title_en": "Renamed"})
    outcomes = _race([(first.pk, reviewer.pk), (second.pk, reviewer.pk)])
    assert sorted(outcomes.values()) == ["approved", "conflict"]
    loser = second if outcomes[0] == "approved" else first
    services.change_request_rebase(cr_id=loser.pk, by=author)
    services.change_request_approve(cr_id=loser.pk, by=reviewer)
    measure.refresh_from_db()
    # Both edits survive: the rebased change carried only its own field.
    assert (measure.progress, measure.title_en, measure.version) == (60, "Renamed", 3)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_the_same_change_apply_it_once(author, reviewer, measure, propose):
    other = f.UserFactory(reviewer=True, organization=reviewer.organization)
    cr = propose(measure, {"progress": 99})
    outcomes = _race([(cr.pk, reviewer.pk), (cr.pk, other.pk)])
    assert sorted(outcomes.values()) == ["approved", "not_allowed"], outcomes
    assert Measure.objects.get().version == 2
    assert ReviewEvent.objects.filter(action="approve").count() == 1
