"""API v1, indicators: programmes, indicators, targets, observations and dimensions, and
observations proposed through the change-request endpoints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import Observation, Placement
from tests import factories as f
from tests.api_client import as_user, url
from tracker.models import ChangeRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    """Two programmes' indicators under two articles, with targets, and a regional series."""
    mh, mes = f.OrganizationFactory(code="MH"), f.OrganizationFactory(code="MES")
    art9, art27 = f.ArticleFactory(number=9), f.ArticleFactory(number=27)
    act = f.LegalActFactory(key="kz:decree:2016-03-01:205")
    prog = f.ProgrammeFactory(key="prog:health", approving_act=act)
    other = f.ProgrammeFactory(key="prog:jobs")
    paragraph = f.ReportParagraphFactory(number=22)
    region = f.DimensionFactory(code="region", name_kk="Өңір")
    sex = f.DimensionFactory(code="sex", name_kk="Жынысы")
    akmola = f.DimensionValueFactory(dimension=region, code="akmola", name_kk="Ақмола")
    almaty = f.DimensionValueFactory(dimension=region, code="almaty", name_kk="Алматы")
    female = f.DimensionValueFactory(dimension=sex, code="female", name_kk="Әйел")
    indicators = []
    for n in range(4):
        ind = f.IndicatorFactory(
            key=f"ind:test:{n}",
            programme=prog if n < 2 else other,
            organization=mh if n % 2 == 0 else mes,
        )
        ind.articles.set([art9] if n < 3 else [art9, art27])
        ind.dimensions.set([region, sex])
        ind.source_paragraphs.set([paragraph])
        f.TargetFactory(indicator=ind, year=2019, value=Decimal("20"))
        f.TargetFactory(indicator=ind, year=2030, text_kk="х", value=None, placement="inferred")
        indicators.append(ind)
    series = indicators[0]
    cells = [
        (dt.date(2016, 1, 1), [akmola], "o:t0:2016:akmola"),
        (dt.date(2016, 1, 1), [almaty], "o:t0:2016:almaty"),
        (dt.date(2017, 1, 1), [akmola, female], "o:t0:2017:akmola-f"),
        (dt.date(2017, 1, 1), [], None),
    ]
    for day, values, key in cells:
        obs = f.ObservationFactory(
            key=key,
            indicator=series,
            period_start=day,
            period_end=day,
            value=Decimal("5"),
            paragraph=paragraph,
            dims_key=";".join(f"{v.dimension.code}={v.code}" for v in values),
        )
        obs.dimension_values.set(values)
    f.ObservationFactory(indicator=indicators[1], source_annex="annex1:row 1")
    return {"indicators": indicators, "series": series, "mh": mh}


def test_programmes_list_and_detail_by_key(api, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = api.get(url("programme-list"))
    assert [p["key"] for p in response.json()["results"]] == ["prog:health", "prog:jobs"]
    detail = api.get(url("programme-detail", "prog:health")).json()
    assert (detail["approving_act"], detail["period_start"]) == ("kz:decree:2016-03-01:205", 2016)


def test_indicators_list_nests_keys_within_a_query_budget(api, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = api.get(url("indicator-list"))
    first = response.json()["results"][0]
    assert first["key"] == "ind:test:0"
    assert (first["programme"], first["organization"]) == ("prog:health", "MH")
    assert (first["articles"], first["dimensions"], first["source_paragraphs"]) == (
        [9],
        ["region", "sex"],
        [22],
    )
    detail = api.get(url("indicator-detail", "ind:test:3")).json()
    assert detail["articles"] == [9, 27]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"programme": "prog:jobs"}, ["ind:test:2", "ind:test:3"]),
        ({"article": 27}, ["ind:test:3"]),
        ({"article": 9}, ["ind:test:0", "ind:test:1", "ind:test:2", "ind:test:3"]),
        ({"organization": "MES"}, ["ind:test:1", "ind:test:3"]),
    ],
)
def test_indicator_filters(api, data, params, expected):
    assert [i["key"] for i in api.get(url("indicator-list"), params).json()["results"]] == expected


def test_targets_filter_by_indicator_year_and_placement(api, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        everything = api.get(url("target-list")).json()
    assert everything["count"] == 8
    rows = api.get(url("target-list"), {"indicator": "ind:test:1"}).json()["results"]
    assert [(t["year"], t["value"], t["text_kk"]) for t in rows] == [
        (2019, "20.0000", ""),
        (2030, None, "х"),
    ]
    assert api.get(url("target-list"), {"year": 2030}).json()["count"] == 4
    inferred = api.get(url("target-list"), {"placement": Placement.INFERRED}).json()
    assert {t["placement"] for t in inferred["results"]} == {"inferred"}


def test_observations_list_within_a_query_budget(api, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api.get(url("observation-list"), {"indicator": "ind:test:0"})
    rows = response.json()["results"]
    assert [r["key"] for r in rows] == [
        "o:t0:2016:akmola",
        "o:t0:2016:almaty",
        None,
        "o:t0:2017:akmola-f",
    ]
    assert rows[3]["dimensions"] == {"region": "akmola", "sex": "female"}
    assert rows[3]["paragraph"] == 22
    # An observation without a key is still named, by its cell.
    assert rows[2]["ref"] == "ind:test:0@2017-01-01/2017-01-01"
    assert rows[0]["ref"] == "o:t0:2016:akmola"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"dim": "region:akmola"}, ["o:t0:2016:akmola", "o:t0:2017:akmola-f"]),
        ({"dim": "region:akmola,sex:female"}, ["o:t0:2017:akmola-f"]),
        ({"dim": "region:astana"}, []),
        ({"dim": "region:akmol"}, []),  # a whole code, not a prefix
        ({"dim": "sex:female,region:akmola"}, ["o:t0:2017:akmola-f"]),
        ({"period_from": "2017-01-01", "dim": "region:akmola"}, ["o:t0:2017:akmola-f"]),
        (
            {"period_to": "2016-06-30", "indicator": "ind:test:0"},
            ["o:t0:2016:akmola", "o:t0:2016:almaty"],
        ),
        ({"paragraph": 22, "period_from": "2017-01-01"}, [None, "o:t0:2017:akmola-f"]),
    ],
)
def test_observation_filters(api, data, params, expected):
    rows = api.get(url("observation-list"), params).json()["results"]
    assert [r["key"] for r in rows] == expected


@pytest.mark.parametrize(
    "dim",
    [
        "akmola",
        "region:akmola,region:almaty",  # a dimension twice
        ",".join(f"d{i}:v" for i in range(7)),  # more dimensions than any cell has
        "region:akmola'; --",
    ],
)
def test_malformed_dimension_filter_is_400(api, data, dim):
    response = api.get(url("observation-list"), {"dim": dim}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "dim" in response.json()


def test_dimensions_with_their_values(api, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api.get(url("dimension-list"))
    region = response.json()["results"][0]
    assert region["code"] == "region"
    assert [v["code"] for v in region["values"]] == ["akmola", "almaty"]
    assert api.get(url("dimension-detail", "sex")).json()["values"][0]["name_kk"] == "Әйел"


def test_anonymous_cannot_write(api, data):
    assert api.post(url("observation-list"), {}, format="json").status_code in (401, 403)
    assert api.post(url("indicator-list"), {}, format="json").status_code in (401, 403)


def _new_observation(client, **payload):
    body = {
        "indicator": "ind:test:0",
        "period_start": "2018-01-01",
        "period_end": "2018-01-01",
        "value": "7.5",
        "dimension_values": ["region:almaty"],
        "paragraph": 22,
        **payload,
    }
    return client.post(
        url("change-request-list"),
        {"target_type": "observation", "payload": body, "summary": "2018"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_observation_proposed_approved_and_then_changed_by_its_ref(api, data, editor, reviewer):
    client = as_user(editor)
    created = _new_observation(client)
    assert created.status_code == 201, created.content
    cr_id = created.json()["id"]
    assert created.json()["payload"]["dimension_values"] == ["region:almaty"]
    assert created.json()["payload"]["indicator"] == "ind:test:0"
    # Never public before approval.
    assert api.get(url("observation-list"), {"period_from": "2018-01-01"}).json()["count"] == 0

    assert client.post(url("change-request-submit", cr_id)).status_code == 200
    assert as_user(reviewer).post(url("change-request-approve", cr_id)).status_code == 200
    [row] = api.get(url("observation-list"), {"period_from": "2018-01-01"}).json()["results"]
    assert (row["value"], row["dimensions"]) == ("7.5000", {"region": "almaty"})
    assert row["ref"] == "ind:test:0@2018-01-01/2018-01-01[region=almaty]"

    update = client.post(
        url("change-request-list"),
        {"target_type": "observation", "target": row["ref"], "payload": {"value": "8"}},
        format="json",
    )
    assert update.status_code == 201, update.content
    cr = ChangeRequest.objects.get(pk=update.json()["id"])
    assert (cr.operation, cr.target_id, cr.payload) == (
        "update",
        Observation.objects.get(period_start=dt.date(2018, 1, 1)).pk,
        {"value": "8"},
    )
    assert update.json()["target"] == row["ref"]


def test_observation_with_unknown_dimension_value_is_400(data, editor):
    response = _new_observation(as_user(editor), dimension_values=["region:mars"])
    assert response.status_code == 400
    assert "region:mars" in response.json()["dimension_values"][0]
    assert ChangeRequest.objects.count() == 0


def test_observation_for_another_organisations_indicator_is_403(data, editor):
    response = _new_observation(as_user(editor), indicator="ind:test:1")
    assert response.status_code == 403
    assert ChangeRequest.objects.count() == 0


def test_observation_rules_of_the_form_apply(data, editor):
    response = _new_observation(as_user(editor), value="150")  # a percentage
    assert response.status_code == 400
    assert response.json()["value"] == ["A share in per cent must be between 0 and 100."]
