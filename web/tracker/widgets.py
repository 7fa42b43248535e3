"""Form controls that speak the page's language (WCAG 3.1.2) and searchable pickers.

- Every choice is labelled by what people call it, in the page's language where the data has it
  (`choice_label`): an organisation by its name, an article by number and title, a dimension
  value by its dimension's and its own name — never a code such as "admin_unit_type=capital".
  An option whose text is Kazakh on a ru/en page carries lang="kk".
- `PickerWidget` replaces a list of hundreds (at scale, tens of thousands) of <option>s for
  organisations, citations and report paragraphs: the chosen rows as checkboxes (or radio buttons
  for a single choice) and a search field whose "Find" button reloads the form with up to 20
  matches to tick. static/js/combobox.js turns the search field into an ARIA 1.2 combobox over the
  JSON lookup (web/tracker/views.py: lookup), so with JavaScript nothing reloads.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tracker.common.models import localized_with_language
from tracker.law.models import PREAMBLE_REFS
from tracker.lookups import chosen

KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def page_language() -> str:
    return (get_language() or "kk")[:2]


def is_kazakh(text: object) -> bool:
    """Kazakh text has letters Russian lacks (ә ғ қ ң ө ұ ү һ і)."""
    return bool(KAZAKH_LETTERS.search(str(text or "")))


KAZAKH_WORD = re.compile(r"[^\s,;:()«»“”\"]*[әғқңөұүһіӘҒҚҢӨҰҮҺІ][^\s,;:()«»“”\"]*")


def mark_kazakh(text: object, declared: str = "") -> SafeString:
    """`text` as HTML for this page with its language marked (WCAG 3.1.2): wholly in
    `<span lang="kk">` when it is Kazakh (declared, or most of its words have Kazakh letters),
    otherwise each Kazakh word inside it on its own (an English title with the Kazakh
    abbreviation «МДҚБ»). On a Kazakh page, or for text with no Kazakh in it, it is only
    escaped."""
    text = "" if text is None else str(text)
    page = page_language()
    if declared and declared != page:
        return format_html('<span lang="{}">{}</span>', declared, text)
    if page == "kk" or not KAZAKH_LETTERS.search(text):
        return format_html("{}", text)
    kazakh_words = KAZAKH_WORD.findall(text)
    if len(kazakh_words) * 2 >= len(text.split()):
        return format_html('<span lang="kk">{}</span>', text)
    parts, last = [], 0
    for match in KAZAKH_WORD.finditer(text):
        parts.append(
            format_html('{}<span lang="kk">{}</span>', text[last : match.start()], match.group())
        )
        last = match.end()
    parts.append(format_html("{}", text[last:]))
    return format_html_join("", "{}", ((part,) for part in parts))


def text_language(text: object, declared: str = "") -> str:
    """The language to mark a text with on this page, or "" when it is the page's own."""
    code = declared or ("kk" if is_kazakh(text) else "")
    return "" if not code or code == page_language() else code


def choice_label(obj: models.Model) -> tuple[str, str]:
    """(text, language) of a record shown as a choice."""
    label = getattr(obj, "_meta", None) and obj._meta.label
    if label == "tracker.Organization":
        return localized_with_language(obj, "name")
    if label == "tracker.Article":
        title, code = localized_with_language(obj, "title")
        return f"{obj.number}. {_truncate(title, 60)}", code
    if label == "tracker.Citation":
        act, code = localized_with_language(obj.act, "title")
        refs = citation_refs(obj)
        # The report's paragraph that cites it tells apart citations of the same act.
        where = f" (¶{obj.paragraph.number})" if obj.paragraph_id else ""
        return ", ".join([_truncate(act, 80), *refs]) + where, code
    if label == "tracker.ReportParagraph":
        return f"¶{obj.number} {_truncate(obj.text_kk, 100)}", "kk"
    if label == "indicators.DimensionValue":
        dimension, code_d = localized_with_language(obj.dimension, "name")
        value, code_v = localized_with_language(obj, "name")
        return f"{dimension}: {value}", code_v if code_v != page_language() else code_d
    if hasattr(obj, "title_kk"):
        return localized_with_language(obj, "title")
    if hasattr(obj, "name_kk"):
        return localized_with_language(obj, "name")
    return str(obj), ""


def citation_refs(citation: Any) -> list[str]:
    """«art. 5», «cl. 2», «subcl. 3» in the page's language; the preamble is named, never
    «preamble-бап» or «ст. preamble»."""
    refs = []
    if citation.article_ref:
        if citation.article_ref.strip().lower() in PREAMBLE_REFS:
            refs.append(_("Preamble"))
        else:
            refs.append(_("art. %s") % citation.article_ref)
    if citation.clause_ref:
        refs.append(_("cl. %s") % citation.clause_ref)
    if citation.subclause_ref:
        refs.append(_("subcl. %s") % citation.subclause_ref)
    return refs


def _truncate(text: str, size: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


class _LangOptionsMixin:
    """Options labelled in the page's language, marked with `lang` where they are not."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        instance = getattr(value, "instance", None)
        code = ""
        if instance is not None and subindex is not None:  # inside an <optgroup>: its own name
            code = localized_with_language(instance, "name")[1]
        elif instance is not None:
            label, code = choice_label(instance)
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        code = text_language(label, code)
        if code:
            option["attrs"]["lang"] = code
        return option


class LangSelect(_LangOptionsMixin, forms.Select):
    pass


class LangSelectMultiple(_LangOptionsMixin, forms.SelectMultiple):
    pass


class PickerWidget(forms.Widget):
    """The chosen rows as checkboxes (radio buttons when one is chosen) and a search field; see
    the module's docstring. `matches` and `query` are set by the form from the submitted data."""

    def __init__(self, kind: str, *, multiple: bool = True, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.kind, self.multiple = kind, multiple
        self.matches: list[models.Model] = []
        self.query = ""
        self.required = False

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an unticked box means "none", not "not sent"

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.get("id") or f"id_{name}"
        values = self.format_value(value)
        rows = chosen(self.kind, values)
        shown = {str(r.pk) for r in rows}
        matches = [m for m in self.matches if str(m.pk) not in shown]
        kind_input = "checkbox" if self.multiple else "radio"
        chosen_html = self._items(name, field_id, "c", kind_input, rows, checked=True)
        if not self.multiple and not self.required:
            chosen_html = self._none_item(name, field_id, not values) + chosen_html
        parts = [
            format_html(
                '<p class="hint" id="{}_pickerhint">{}</p>',
                field_id,
                _(
                    "Type a few letters of the name, or a number, and search; tick the ones to "
                    "add, untick one to remove it."
                ),
            ),
            format_html(
                '<div class="picker-search"><input type="search" id="{}" name="{}__q" value="{}" '
                'autocomplete="off" aria-describedby="{}_pickerhint">'
                '<button type="submit" class="secondary picker-find" name="_find" value="{}">'
                "{}</button></div>",
                field_id,
                name,
                self.query,
                field_id,
                name,
                _("Find"),
            ),
            format_html(
                '<ul class="choice-list picker-chosen" aria-label="{}">{}</ul>',
                _("Chosen"),
                chosen_html,
            ),
        ]
        if self.query:
            parts.append(self._matches_html(name, field_id, kind_input, matches))
        lookup_url = reverse("tracker:lookup", args=[self.kind])
        return format_html(
            '<div class="picker" data-lookup="{}" data-name="{}" data-multiple="{}" '
            'data-found="{}" data-none="{}" data-added="{}" data-failed="{}">{}</div>',
            lookup_url,
            name,
            "true" if self.multiple else "false",
            _("%s found; use the arrow keys to choose, Enter to add."),
            _("Nothing found."),
            _("Added: %s"),
            _("The search failed; try again."),
            format_html_join("", "{}", ((part,) for part in parts)),
        )

    def _matches_html(self, name, field_id, kind_input, matches) -> SafeString:
        if not matches:
            return format_html('<p class="picker-none" role="status">{}</p>', _("Nothing found."))
        return format_html(
            '<ul class="choice-list picker-matches" aria-label="{}">{}</ul>',
            _("Found: tick to add"),
            self._items(name, field_id, "m", kind_input, matches, checked=False),
        )

    def _none_item(self, name: str, field_id: str, checked: bool) -> SafeString:
        return format_html(
            '<li><input type="radio" name="{}" value="" id="{}_none"{}>'
            '<label for="{}_none">{}</label></li>',
            name,
            field_id,
            mark_safe(" checked") if checked else "",
            field_id,
            _("None"),
        )

    @staticmethod
    def _items(name, field_id, prefix, kind_input, rows, *, checked) -> SafeString:
        items = []
        for row in rows:
            text, code = choice_label(row)
            code = text_language(text, code)
            items.append(
                (
                    kind_input,
                    name,
                    row.pk,
                    f"{field_id}_{prefix}{row.pk}",
                    mark_safe(" checked") if checked else "",
                    f"{field_id}_{prefix}{row.pk}",
                    format_html(' lang="{}"', code) if code else "",
                    text,
                )
            )
        return format_html_join(
            "",
            '<li><input type="{}" name="{}" value="{}" id="{}"{}><label for="{}"{}>{}</label></li>',
            items,
        )
