"""The seed extractor: paragraph splitting, section assignment and displaced-citation repair.

Plain functions, no database: the extractor is standard-library Python. Samples are copied from
the seed; the tests against the whole seed skip when it is not checked out beside the repo.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from ingest.extraction import paragraphs as extraction
from ingest.extraction.paragraphs import (
    ExtractionError,
    convention_articles,
    dumps,
    extract,
    extract_lines,
    repair_paragraph,
    split_paragraphs,
)

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seed" / "000_be56c0e39082da74.txt"
FIXTURE = REPO / "fixtures" / "paragraphs.json"

needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"seed not found at {SEED}")


def _chars(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace())


# --- repair on samples copied from the seed -------------------------------------------------

# ¶74, seed lines 326-329: two pinpoints pasted at the end of their lines.
CONSTITUTION_LINES = [
    "ешқандай кемсітуге болмайды (Қазақстан Республикасы Конституциясының 14-",
    "бабының ). Адамның қадір-қасиетіне қол сұғылмайды (Қазақстан 2-тармағы",
    "Республикасы Конституциясының 17-бабының ).1-тармағы",
]
CONSTITUTION_REPAIRED = (
    "ешқандай кемсітуге болмайды (Қазақстан Республикасы Конституциясының 14-бабының "
    "2-тармағы). Адамның қадір-қасиетіне қол сұғылмайды (Қазақстан Республикасы "
    "Конституциясының 17-бабының 1-тармағы)."
)


def test_displaced_pinpoint_is_put_back_in_its_hole():
    repair = repair_paragraph(CONSTITUTION_LINES)
    assert repair.status == "repaired"
    assert repair.text_kk == CONSTITUTION_REPAIRED


def test_printed_text_keeps_the_displaced_order():
    repair = repair_paragraph(CONSTITUTION_LINES)
    assert repair.text_printed.endswith("17-бабының ).1-тармағы")


def test_span_after_a_double_space_goes_between_the_spaces():
    # ¶69
    repair = repair_paragraph(
        [
            "Конституцияның  Қазақстан Республикасы ратификациялаған 4-бабында",
            "халықаралық шарттар заңдардың алдында басым болатыны белгіленген.",
        ]
    )
    assert repair.text_kk == (
        "Конституцияның 4-бабында Қазақстан Республикасы ратификациялаған халықаралық шарттар "
        "заңдардың алдында басым болатыны белгіленген."
    )


def test_several_spans_fill_a_comma_list_in_order():
    # ¶83: "Конституциясының , , , 1 12 13" / ").14-баптары"
    repair = repair_paragraph(
        [
            "тәсілдермен қорғауға хақылы (Қазақстан Республикасы Конституциясының , , , 1 12 13",
            "",
            ").14-баптары",
        ]
    )
    assert repair.text_kk == (
        "тәсілдермен қорғауға хақылы (Қазақстан Республикасы Конституциясының 1, 12, 13, "
        "14-баптары)."
    )


def test_empty_parentheses_receive_their_span():
    # ¶404
    repair = repair_paragraph(["шартын бұзуға тыйым салынады ( ).54-бап"])
    assert repair.text_kk == "шартын бұзуға тыйым салынады (54-бап)."


def test_two_word_subclause_span_is_kept_together():
    # ¶300: the tail is "7) тармақшасына", not just "тармақшасына".
    repair = repair_paragraph(
        ["Республикасы Заңының 9-бабы 2-тармағының  сәйкес ақпарат 7) тармақшасына"]
    )
    assert repair.text_kk == (
        "Республикасы Заңының 9-бабы 2-тармағының 7) тармақшасына сәйкес ақпарат"
    )


def test_act_name_glued_to_the_line_end_is_put_back():
    # ¶454: the source line ended without a space, so "Заңымен" was pasted straight on.
    repair = repair_paragraph(["мамырдағы Қазақстан Республикасының  реттеледі.Заңымен"])
    assert repair.text_kk == "мамырдағы Қазақстан Республикасының Заңымен реттеледі."


def test_pinpoint_wrapped_at_its_hyphen_is_rejoined_across_lines():
    # ¶403: "31-32-баптарында" was split over two lines and both halves displaced.
    repair = repair_paragraph(
        [
            "мақсатында Мүгедектерді әлеуметтік қорғау туралы заңның -31 32-",
            "",
            " мүгедектерге өзге азаматтармен тең еңбек қызметі мүмкіндіктерін құруға баптарында",
            "бағытталған қосымша шаралар жүйесі",
        ]
    )
    assert repair.status == "repaired"
    assert repair.text_kk == (
        "мақсатында Мүгедектерді әлеуметтік қорғау туралы заңның 31-32-баптарында мүгедектерге "
        "өзге азаматтармен тең еңбек қызметі мүмкіндіктерін құруға бағытталған қосымша шаралар "
        "жүйесі"
    )


def test_line_starting_with_a_comma_is_not_a_hole_without_a_displaced_span():
    # ¶501: the PDF wraps a comma onto the next line; nothing was cut out.
    lines = [
        "мәселелерін әзірлеу және іске асыру бойынша едәуір өкілеттер ДСМ, БҒМ, МСМ, ҰЭМ",
        ", Қаржыминіне, ІІМ және Әділетминіне берілген.",
    ]
    repair = repair_paragraph(lines)
    assert repair.status == "none"
    assert repair.text_kk.endswith("ҰЭМ, Қаржыминіне, ІІМ және Әділетминіне берілген.")


def test_hole_without_a_span_leaves_the_paragraph_as_printed_and_flagged():
    lines = ["(Мүгедектерді қорғау туралы заңның ) нормалармен толықтырылды"]
    repair = repair_paragraph(lines)
    assert repair.status == "unrepaired"
    assert repair.text_kk == repair.text_printed
    assert repair.problems


def test_unrepaired_paragraph_gets_a_garbled_flag(monkeypatch):
    monkeypatch.setattr("ingest.extraction.paragraphs.LAST_PARAGRAPH", 1)
    (record,) = extract_lines([" КІРІСПЕ", "", "      1. Заңның ) нормалары бар."])
    assert record["repair"] == "unrepaired"
    assert record["flags"][0]["code"] == "garbled"


def test_paragraph_without_holes_is_left_alone():
    repair = repair_paragraph(
        [
            "Қазақстан Республикасы 2015 жылғы ақпанда Мүгедектердің құқықтары туралы ",
            "конвенцияны.",
        ]
    )
    assert repair.status == "none"
    assert repair.text_kk == (
        "Қазақстан Республикасы 2015 жылғы ақпанда Мүгедектердің құқықтары туралы конвенцияны."
    )


def test_repair_moves_characters_but_never_drops_any():
    repair = repair_paragraph(CONSTITUTION_LINES)
    assert _chars(repair.text_kk) == _chars("".join(CONSTITUTION_LINES))


# --- Convention articles --------------------------------------------------------------------


def test_convention_articles_are_read_from_the_text():
    assert convention_articles("Конвенцияның 9-бабы бойынша бөлімде") == [9]
    assert convention_articles("Конвенцияның 8 және 9-баптарына енгізілген") == [8, 9]
    many = convention_articles("Конвенцияның 20, 24, 25, 27, 28 және 30-баптары бойынша")
    assert many == [20, 24, 25, 27, 28, 30]
    assert convention_articles(
        "конвенцияның (бұдан әрі – Конвенция) 35-бабының 1-тармағына сәйкес"
    ) == [35]


def test_national_law_is_not_a_convention_article():
    assert convention_articles("Конституцияның 14-бабының 2-тармағы, Заңның 5-бабы") == []


# --- splitting on small synthetic seeds -----------------------------------------------------


def test_missing_paragraph_is_named_in_the_error(monkeypatch):
    monkeypatch.setattr("ingest.extraction.paragraphs.LAST_PARAGRAPH", 4)
    lines = [" КІРІСПЕ", "", "      1. Бір.", "      2. Екі.", "      4. Төрт."]
    with pytest.raises(ExtractionError, match=r"missing: 3\b"):
        split_paragraphs(lines)


def test_duplicated_paragraph_is_named_in_the_error(monkeypatch):
    monkeypatch.setattr("ingest.extraction.paragraphs.LAST_PARAGRAPH", 3)
    lines = [" КІРІСПЕ", "", "      1. Бір.", "      2. Екі.", "      2. Екі.", "      3. Үш."]
    with pytest.raises(ExtractionError, match=r"duplicated: 2\b"):
        split_paragraphs(lines)


def test_wrapped_article_heading_is_joined_and_page_breaks_dropped(monkeypatch):
    monkeypatch.setattr("ingest.extraction.paragraphs.LAST_PARAGRAPH", 2)
    lines = [
        " КІРІСПЕ",
        "      1. Кіріспе мәтіні.",
        "      Конвенцияның 19-бабы. Дербес өмір сүру салты және жергілікті қоғамдастықтарға ",
        "тартылу",
        "      2. Бірінші жол ",
        "",
        "",
        "",
        "екінші жол.",
        " дейінгі",
    ]
    first, second = split_paragraphs(lines)
    assert (first.article, first.section_kk) == (None, "КІРІСПЕ")
    assert second.article == 19
    assert second.section_kk == (
        "Конвенцияның 19-бабы. Дербес өмір сүру салты және жергілікті қоғамдастықтарға тартылу"
    )
    assert repair_paragraph(second.lines).text_kk == "Бірінші жол екінші жол."


def test_sub_items_belong_to_the_current_paragraph(monkeypatch):
    monkeypatch.setattr("ingest.extraction.paragraphs.LAST_PARAGRAPH", 2)
    lines = [
        "      Саясат",
        "      1. Мүгедектер үшін:",
        "      - қолжетімді көлік құралдарын ұсыну;",
        "      1) мемлекет – базалық әлеуметтік төлемдер.",
        "      2. Соңы.",
    ]
    first, second = split_paragraphs(lines)
    assert first.section_kk == "Саясат"
    assert repair_paragraph(first.lines).text_kk == (
        "Мүгедектер үшін:\n- қолжетімді көлік құралдарын ұсыну;\n"
        "1) мемлекет – базалық әлеуметтік төлемдер."
    )
    assert second.number == 2


# --- the real seed --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records():
    if not SEED.exists():
        pytest.skip(f"seed not found at {SEED}")
    return extract(SEED)


@needs_seed
def test_seed_has_paragraphs_1_to_508_exactly_once_in_order(records):
    assert [r["number"] for r in records] == list(range(1, 509))


@needs_seed
def test_seed_introduction_has_no_article(records):
    intro = [r for r in records if r["number"] <= 72]
    assert all(r["article"] is None for r in intro)
    assert records[0]["section_kk"] == "КІРІСПЕ"
    assert records[7]["section_kk"] == "Аумағы және халқы"


@needs_seed
@pytest.mark.parametrize(
    ("article", "first", "last"),
    [(1, 73, 75), (9, 164, 201), (18, 257, 261), (30, 470, 486), (33, 499, 508)],
)
def test_seed_article_sections_start_and_end_where_the_report_puts_them(
    records, article, first, last
):
    numbers = [r["number"] for r in records if r["article"] == article]
    assert numbers == list(range(first, last + 1))


@needs_seed
def test_seed_articles_1_to_33_each_have_a_section(records):
    assert {r["article"] for r in records} - {None} == set(range(1, 34))


@needs_seed
def test_seed_constitution_example_is_repaired_exactly(records):
    paragraph = records[73]
    assert paragraph["number"] == 74
    assert paragraph["text_kk"].endswith(CONSTITUTION_REPAIRED)
    assert paragraph["repair"] == "repaired"


@needs_seed
def test_seed_repair_loses_no_word(records):
    for record in records:
        assert _chars(record["text_kk"]) == _chars(record["text_printed"]), record["number"]


@needs_seed
def test_seed_printed_text_keeps_every_character_of_the_seed(records):
    seed_chars = _chars(SEED.read_text(encoding="utf-8"))
    printed = Counter()
    for record in records:
        printed += _chars(f"{record['number']}.{record['text_printed']}")
    assert not printed - seed_chars


@needs_seed
def test_seed_unrepaired_paragraphs_are_flagged_garbled(records):
    for record in records:
        codes = [f["code"] for f in record["flags"]]
        assert ("garbled" in codes) == (record["repair"] == "unrepaired"), record["number"]


@needs_seed
def test_seed_convention_articles_are_found(records):
    assert records[1]["convention_articles"] == [35]
    assert records[379]["convention_articles"] == [20, 24, 25, 27, 28, 30]


@needs_seed
def test_fixture_equals_a_fresh_extraction(records):
    assert FIXTURE.read_text(encoding="utf-8") == dumps(records)
    assert json.loads(FIXTURE.read_text(encoding="utf-8"))[0]["curation"] == "extracted"


def test_an_emptied_quoted_title_is_left_unrepaired_not_passed_as_clean():
    lines = [
        'Мүгедектердің қауіпсіздігі "Терроризмге " 1999 жылғы, " " 2003 жылғы\n',
        "заңдарда көзделген.\n",
    ]
    repaired, curation = extraction._apply_curated(9, repair_paragraph(lines))
    assert repaired.status == "unrepaired"
    assert repaired.text_kk == repaired.text_printed
    assert "emptied quoted title" in repaired.problems[0]
    assert curation == "extracted"


def test_a_curated_repair_applies_only_to_the_text_it_was_made_for(monkeypatch):
    printed = 'Заңдар: " " 2003 жылғы Төтенше жағдай туралы.'
    monkeypatch.setitem(
        extraction.CURATED_REPAIRS, 5, (printed, 'Заңдар: "Төтенше жағдай туралы" 2003 жылғы.')
    )
    same = extraction.Repair(printed, printed, "none")
    repaired, curation = extraction._apply_curated(5, same)
    assert (repaired.text_kk, repaired.status, curation) == (
        'Заңдар: "Төтенше жағдай туралы" 2003 жылғы.',
        "repaired",
        "curated",
    )
    other = extraction.Repair(printed + " Басқа.", printed + " Басқа.", "none")
    repaired, curation = extraction._apply_curated(5, other)
    assert (repaired.status, curation) == ("unrepaired", "extracted")


@needs_seed
def test_paragraph_208s_law_titles_are_back_in_their_quotes(records):
    record = next(r for r in records if r["number"] == 208)
    assert record["repair"] == "repaired"
    assert record["curation"] == "curated"
    assert '"Терроризмге қарсы күрес туралы" 1999 жылғы 13 шілдедегі' in record["text_kk"]
    assert '"Төтенше жағдай туралы" 2003 жылғы 8 ақпандағы' in record["text_kk"]
    assert '"Азаматтық қорғау туралы" 2014 жылғы 11 сәуірдегі' in record["text_kk"]


# The command, run as `make`'s users run it (no database needed: it only reads and writes files).


@needs_seed
def test_extract_crpd_reproduces_the_shipped_paragraphs_from_the_seed(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "paragraphs.json"
    call_command("extract_crpd", "--seed", str(SEED), "--out", str(out))
    assert out.read_text(encoding="utf-8") == (REPO / "fixtures" / "paragraphs.json").read_text(
        encoding="utf-8"
    )


def test_extract_crpd_refuses_a_missing_seed(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No seed file"):
        call_command(
            "extract_crpd", "--seed", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "x")
        )
