"""Forms that help and pages that name things (issue 9): searchable pickers (the JSON lookup and
the no-JavaScript "Find"), day-first dates with a hint, human labels instead of codes, records
named by title, language-of-parts marks, the language switcher as links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from tracker.models import ChangeRequest, ChangeStatus, Measure, Notification
from tracker.workflow import services
from web.tracker.widgets import mark_kazakh

pytestmark = pytest.mark.django_db


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.fixture
def ministry():
    return f.OrganizationFactory(
        code="MH",
        short_kk="ДСМ",
        name_kk="Денсаулық сақтау министрлігі",
        name_ru="Министерство здравоохранения",
        name_en="Ministry of Healthcare",
    )


@pytest.fixture
def editor(ministry):
    """An editor of the ministry (overrides tests/conftest.py's, which has another ministry)."""
    return f.UserFactory(editor=True, organization=ministry, username="editor-health")


@pytest.fixture
def measure(ministry):
    """A measure of the ministry, titled only in Kazakh."""
    article = f.ArticleFactory(number=9)
    return f.MeasureFactory(organizations=[ministry], articles=[article], title_kk="Пандустар салу")


def _form_data(measure, editor) -> dict:
    """The measure's required fields as the proposal form posts them."""
    return {
        "title_kk": measure.title_kk,
        "kind": measure.kind,
        "status": measure.status,
        "organizations": [editor.organization_id],
        "articles": [measure.articles.get().pk],
    }


# The pickers' lookup ---------------------------------------------------------------------------


def test_lookup_is_refused_to_the_public_and_unknown_kinds_are_404(client, editor):
    assert client.get(url("tracker:lookup", "citations"), {"q": "Заң"}).status_code == 403
    client.force_login(editor)
    assert client.get(url("tracker:lookup", "users"), {"q": "ab"}).status_code == 404


def test_lookup_is_bounded_paginated_and_labelled_in_the_page_language(
    client, editor, django_assert_max_num_queries
):
    act = f.LegalActFactory(title_kk="Мүгедектерді әлеуметтік қорғау туралы заң", title_en="")
    f.CitationFactory.create_batch(25, act=act, article_ref="5")
    client.force_login(editor)
    with django_assert_max_num_queries(6):
        first = client.get(url("tracker:lookup", "citations", lang="en"), {"q": "әлеуметтік"})
    data = first.json()
    assert len(data["results"]) == 20
    assert data["has_next"] is True
    row = data["results"][0]
    # The act has no English title: the Kazakh one, marked as Kazakh; the pinpoint in English.
    assert row["lang"] == "kk"
    assert ", art. 5, cl. 2 (¶" in row["label"]
    second = client.get(url("tracker:lookup", "citations"), {"q": "әлеуметтік", "page": 2}).json()
    assert len(second["results"]) == 5
    assert second["has_next"] is False
    assert client.get(url("tracker:lookup", "citations"), {"q": "ә"}).json()["results"] == []


def test_lookup_finds_paragraphs_by_number_and_organisations_by_any_name(client, editor):
    f.ReportParagraphFactory(number=120)
    client.force_login(editor)
    paragraphs = client.get(url("tracker:lookup", "paragraphs"), {"q": "¶120"}).json()
    assert [r["label"][:4] for r in paragraphs["results"]] == ["¶120"]
    orgs = client.get(url("tracker:lookup", "organisations", lang="ru"), {"q": "здравоохр"}).json()
    assert orgs["results"][0] == {
        "value": editor.organization_id,
        "label": "Министерство здравоохранения",
        "lang": "",
    }


# The proposal form without JavaScript --------------------------------------------------------


def test_proposal_form_renders_no_option_lists_for_pickers(
    client, editor, measure, django_assert_max_num_queries
):
    f.CitationFactory.create_batch(30)
    measure.legal_basis.add(*f.CitationFactory.create_batch(3))
    client.force_login(editor)
    with django_assert_max_num_queries(16):  # the same with 30 or 30,000 citations
        page = client.get(url("tracker:measure-propose", measure.pk)).content.decode()
    # Organisations, citations and paragraphs are pickers: the chosen rows only, no <option>s.
    assert 'name="legal_basis__q"' in page
    assert 'name="source_paragraphs__q"' in page
    assert page.count("<option") < 60  # the articles (50 at most) and the choice fields
    assert 'id="id_organizations_c' in page  # the responsible ministry, ticked


def test_find_reloads_the_form_with_matches_and_saves_nothing(client, editor, measure):
    citation = f.CitationFactory(act=f.LegalActFactory(title_en="Law on social protection"))
    client.force_login(editor)
    target = url("tracker:measure-propose", measure.pk)
    data = {
        **_form_data(measure, editor),
        "progress": "30",
        "legal_basis__q": "social",
        "_find": "legal_basis",
    }
    response = client.post(target, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert ChangeRequest.objects.count() == 0
    assert "error-summary" not in page
    assert f'id="id_legal_basis_m{citation.pk}"' in page
    assert 'value="30"' in page
    data.pop("_find")
    data["legal_basis"] = [citation.pk]
    response = client.post(target, data)
    assert response.status_code == 302
    assert ChangeRequest.objects.get().payload["legal_basis"] == [citation.pk]


@pytest.mark.parametrize(
    ("lang", "shown", "typed", "hint"),
    [
        ("kk", "28.11.2019", "05.03.2020", "ДД.ММ.ЖЖЖЖ"),
        ("ru", "28.11.2019", "05.03.2020", "ДД.ММ.ГГГГ"),
        ("en", "28/11/2019", "05/03/2020", "DD/MM/YYYY"),
    ],
)
def test_dates_are_entered_day_first_with_a_hint(client, editor, measure, lang, shown, typed, hint):
    Measure.objects.filter(pk=measure.pk).update(start_date=dt.date(2019, 11, 28))
    client.force_login(editor)
    target = url("tracker:measure-propose", measure.pk, lang=lang)
    page = client.get(target).content.decode()
    assert 'type="date"' not in page
    assert hint in page
    assert f'value="{shown}"' in page
    data = {
        **_form_data(measure, editor),
        "start_date": typed,
    }
    assert client.post(target, data).status_code == 302
    assert ChangeRequest.objects.get().payload["start_date"] == "2020-03-05"


def test_a_wrong_date_is_reported_on_its_field_and_saves_nothing(client, editor, measure):
    client.force_login(editor)
    data = {
        **_form_data(measure, editor),
        "start_date": "31.02.2020",
    }
    response = client.post(url("tracker:measure-propose", measure.pk, lang="ru"), data)
    assert response.status_code == 400
    assert ChangeRequest.objects.count() == 0
    assert 'href="#id_start_date"' in response.content.decode()


def test_observation_dimensions_are_named_not_coded(client, ministry):
    reviewer = f.UserFactory(reviewer=True, organization=ministry)
    indicator = f.IndicatorFactory(organization=ministry)
    value = f.DimensionValueFactory(
        dimension=f.DimensionFactory(
            code="admin_unit_type",
            name_kk="Әкімшілік бірлік түрі",
            name_ru="Тип административной единицы",
        ),
        code="capital",
        name_kk="Астана",
        name_ru="",
    )
    indicator.dimensions.add(value.dimension)
    client.force_login(reviewer)
    page = client.get(
        url("indicators:observation-propose-new", indicator.pk, lang="ru")
    ).content.decode()
    assert "admin_unit_type=capital" not in page
    # Grouped under the dimension's Russian name; the value only in Kazakh, so its option is
    # marked Kazakh.
    assert re.search(
        r'<optgroup label="Тип административной единицы">\s*'
        rf'<option value="{value.pk}" lang="kk"[^>]*>Астана</option>',
        page,
    ), page[page.find("dimension_values") :][:600]


# Names instead of numbers and codes ----------------------------------------------------------


def test_queues_change_pages_and_emails_name_the_record(client, editor, measure):
    reviewer = f.UserFactory(reviewer=True, organization=f.OrganizationFactory(), language="ru")
    cr = services.change_request_create(by=editor, target=measure, payload={"progress": 60})
    with override_settings(SITE_URL="https://crpd.example.kz"):
        services.change_request_submit(cr_id=cr.pk, by=editor)
    client.force_login(reviewer)
    queue = client.get(url("tracker:my-work", lang="ru")).content.decode()
    assert 'lang="kk">Пандустар салу</span>' in queue
    assert f"№ {measure.pk}" not in queue
    detail = client.get(url("tracker:change-request-detail", cr.pk, lang="ru")).content.decode()
    assert "Пандустар салу" in detail
    mail = Notification.objects.get(change_request=cr, recipient=reviewer.email)
    assert "Пандустар салу" in mail.subject
    assert "Пандустар салу" in mail.body
    assert f"https://crpd.example.kz/ru/changes/{cr.pk}/" in mail.body


def test_changed_meanwhile_is_shown_only_while_the_change_is_pending(client, editor, measure):
    reviewer = f.UserFactory(reviewer=True, organization=f.OrganizationFactory())
    cr = services.change_request_create(by=editor, target=measure, payload={"progress": 60})
    services.change_request_submit(cr_id=cr.pk, by=editor)
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    client.force_login(reviewer)
    page = client.get(url("tracker:change-request-detail", cr.pk)).content.decode()
    assert ChangeRequest.objects.get().status == ChangeStatus.APPROVED
    assert "The live record changed after this change was proposed" not in page
    assert "changed meanwhile" not in page
    # A pending change on a record that moved meanwhile still says so.
    pending = services.change_request_create(by=editor, target=measure, payload={"progress": 70})
    Measure.objects.filter(pk=measure.pk).update(progress=80, version=measure.version + 5)
    page = client.get(url("tracker:change-request-detail", pending.pk)).content.decode()
    assert "The live record changed after this change was proposed" in page


def test_issuer_and_preamble_are_named_in_the_page_language(client):
    act = f.LegalActFactory(issuer="parliament", title_ru="Конституция")
    f.CitationFactory(act=act, article_ref="preamble", clause_ref="")
    page = client.get(url("tracker:legal-act-detail", act.pk, lang="ru")).content.decode()
    assert "Парламент Республики Казахстан" in page
    assert "parliament" not in page
    assert "Конституция, Преамбула" in page
    assert "ст. preamble" not in page
    page = client.get(url("tracker:legal-act-detail", act.pk, lang="kk")).content.decode()
    assert "Кіріспе" in page
    assert "preamble-бап" not in page


# Language of parts and the switcher ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "html"),
    [
        ("ru", "Еңбекмині", '<span lang="kk">Еңбекмині</span>'),
        (
            "en",
            "Central database (МДҚБ) of persons",
            'Central database (<span lang="kk">МДҚБ</span>) of persons',
        ),
        ("ru", "Министерство труда", "Министерство труда"),
        ("kk", "Еңбекмині", "Еңбекмині"),
        ("en", "<b>Ақмола</b>", '<span lang="kk">&lt;b&gt;Ақмола&lt;/b&gt;</span>'),
    ],
)
def test_kazakh_text_is_marked_on_other_pages_and_escaped(lang, text, html):
    with translation.override(lang):
        assert str(mark_kazakh(text)) == html


def test_language_switcher_is_links_to_the_same_page(client, measure):
    page = client.get(url("tracker:measure-list", lang="ru"), {"q": "пандус"}).content.decode()
    assert 'href="/kk/measures/?q=%D0%BF%D0%B0%D0%BD%D0%B4%D1%83%D1%81"' in page
    assert '<span aria-current="true" lang="ru">' in page
    assert 'name="language"' not in page


def test_measure_list_names_organisations_and_keeps_the_article_filter_short(client, ministry):
    article = f.ArticleFactory(number=9, title_kk="Қолжетімділік " + "өте ұзын атау " * 20)
    f.MeasureFactory(organizations=[ministry], articles=[article])
    page = client.get(url("tracker:measure-list", lang="ru")).content.decode()
    assert "Министерство здравоохранения" in page
    assert ">MH<" not in page
    option = re.search(r'<option value="9"[^>]*>([^<]*)</option>', page)
    assert option
    assert len(option.group(1)) <= 64
    assert 'lang="kk"' in option.group(0)


def test_english_only_name_on_a_russian_page_is_marked_english(client):
    f.IndicatorFactory(name_kk="", name_ru="", name_en="Share of accessible polling stations")
    page = client.get(url("indicators:indicator-list", lang="ru")).content.decode()
    assert '<span lang="en">Share of accessible polling stations</span>' in page


def test_an_organisation_without_a_short_name_is_named_not_coded(client):
    org = f.OrganizationFactory(
        code="MCS-DIV-DISABILITY-SPORT", short_kk="", name_ru="Управление спорта инвалидов"
    )
    with translation.override("ru"):
        assert str(org) == "Управление спорта инвалидов"
