"""A checklist item's <li>, written by the checklist_item tag, is byte for byte what the
template's partial wrote (kept here as the reference), escaping included, in every state;
and whole checklist pages are what the template with that partial wrote."""

from __future__ import annotations

import copy
import itertools
import re
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from django.conf import settings as django_settings
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from accounts.models import Role
from strategy.models import Check, Checklist, ChecklistItem, Practice
from strategy.periods import week_label
from strategy.selectors import ItemState, Progress
from strategy.services import check_note_set, check_set
from tests.factories import MembershipFactory, UserFactory
from tests.strategy.helpers import checklist_url, note_url, open_checklist

# The partial `item` of templates/strategy/checklist.html before the tag wrote it.
REFERENCE = """
      {% with item=state.item check=state.check %}
      <li class="list-group-item pb-item{% if state.done %} pb-item-done{% endif %}" id="item-{{ item.public_id }}">
        <div class="d-flex flex-wrap align-items-start gap-2">
          {% if state.automatic or not editable %}
          <div class="form-check flex-grow-1 mb-0">
            <input class="form-check-input" type="checkbox" id="tick-{{ item.public_id }}" disabled{% if state.done %} checked{% endif %} aria-describedby="help-{{ item.public_id }}">
            <label class="form-check-label" for="tick-{{ item.public_id }}">{{ item.title }}</label>
            {% if state.automatic %}<span class="badge pb-from-data ms-1" title="{{ state.evidence_label }} It cannot be ticked by hand.">from data</span>{% endif %}
            {% if not state.available %}<span class="badge text-bg-light border ms-1" title="{{ state.unavailable_reason }}">not available</span>{% endif %}
          </div>
          {% else %}
          {# Its tick URL comes with its state: strategy.views.checklist.item_urls_set. #}
          <form class="d-flex flex-wrap align-items-start gap-2 flex-grow-1" method="post" action="{{ state.tick_url }}" hx-post="{{ state.tick_url }}" hx-trigger="change, submit" hx-target="#item-{{ item.public_id }}" hx-swap="outerHTML">
            {% csrf_token %}<input type="hidden" name="week" value="{{ week_label }}">
            <div class="form-check flex-grow-1 mb-0">
              <input class="form-check-input" type="checkbox" name="ticked" value="1" id="tick-{{ item.public_id }}"{% if state.done %} checked{% endif %} aria-describedby="help-{{ item.public_id }}">
              <label class="form-check-label" for="tick-{{ item.public_id }}">{{ item.title }}</label>
            </div>
            <button class="btn btn-sm btn-outline-primary pb-nojs-only" type="submit">Save<span class="visually-hidden"> “{{ item.title }}”</span></button>
          </form>
          {% endif %}
          {% if item.cadence == "monthly" %}<span class="badge text-bg-light border" title="A tick counts for every week of {{ week|date:'F' }}.">monthly</span>{% elif item.cadence == "once" %}<span class="badge text-bg-light border" title="Once ticked, it stays ticked in later weeks.">once</span>{% endif %}
        </div>
        <div class="ms-4">
          <div class="form-text mt-0" id="help-{{ item.public_id }}">{% if state.automatic and not state.available %}Not available: {{ state.unavailable_reason }} {% elif state.automatic and not item.help_text %}{{ state.evidence_label }}{% endif %}{{ item.help_text }}</div>
          {% if check.ticked %}<div class="small text-body-secondary">Ticked by {{ check.ticked_by_name|default:"someone no longer here" }} on {{ check.ticked_at|date:"D j M, H:i" }}{% if check.checklist.week_start != week %} (week {{ check.checklist.week_start|iso_week }}){% endif %}.</div>{% endif %}
          {% if check.corrected_at %}<div class="small text-warning-emphasis">Corrected by {{ check.corrected_by_name|default:"someone no longer here" }} on {{ check.corrected_at|date:"D j M, H:i" }}, after the week was over.</div>{% endif %}
          {% if check.note %}<p class="small mb-0"><span class="text-body-secondary">Note:</span> {{ check.note }}</p>{% endif %}
          {% if editable and not state.automatic %}
          {# Its note URL comes with its state: strategy.views.checklist.item_urls_set. #}
          {% if note_error and note_error_item == item.pk %}{% firstof note_error as item_note_error %}{% else %}{% firstof "" as item_note_error %}{% endif %}
          <details class="pb-note"{% if item_note_error %} open{% endif %}>
            <summary class="small">{% if check.note %}Edit the note{% else %}Add a note{% endif %}</summary>
            <form class="d-flex flex-wrap gap-2 mt-1" method="post" action="{{ state.note_url }}" hx-post="{{ state.note_url }}" hx-target="#item-{{ item.public_id }}" hx-swap="outerHTML">
              {% csrf_token %}<input type="hidden" name="week" value="{{ week_label }}">
              <label class="visually-hidden" for="note-{{ item.public_id }}">Note on “{{ item.title }}”</label>
              <input class="form-control form-control-sm flex-grow-1 pb-note-input{% if item_note_error %} is-invalid{% endif %}" type="text" name="note" id="note-{{ item.public_id }}" maxlength="500" value="{{ check.note|default:'' }}"{% if item_note_error %} aria-invalid="true" aria-describedby="note-error-{{ item.public_id }}"{% endif %}>
              <button class="btn btn-sm btn-outline-secondary" type="submit">Save note</button>
              {% if item_note_error %}<div class="invalid-feedback d-block" id="note-error-{{ item.public_id }}" role="alert">{{ item_note_error }}</div>{% endif %}
            </form>
          </details>
          {% endif %}
        </div>
      </li>
      {% endwith %}
      """  # noqa: E501

HOSTILE = "<b>\"Q&A\"</b> & 'it's' <script>alert(1)</script> &amp;"
WEEK = date(2026, 11, 16)
OTHER_WEEK = date(2026, 11, 2)
TICKED_AT = datetime(2026, 11, 17, 22, 30, tzinfo=UTC)


def _item(n: int, **fields: str) -> ChecklistItem:
    fields = {"title": "Post daily", "help_text": "", "cadence": "weekly", **fields}
    fields.setdefault("evidence_rule", "")
    return ChecklistItem(
        pk=n, public_id=UUID(int=n), practice=Practice(pk=1, name="Engage"), **fields
    )


def _check(  # noqa: PLR0913 - a check's fields
    *,
    ticked: bool = True,
    by: str = "bob",
    note: str = "",
    corrected: bool = False,
    week: date = WEEK,
) -> Check:
    check = Check(
        ticked=ticked,
        ticked_at=TICKED_AT if ticked else None,
        note=note,
        corrected_at=TICKED_AT + timedelta(days=9) if corrected else None,
        checklist=Checklist(week_start=week),
    )
    check.ticked_by_name = by
    check.corrected_by_name = "alice" if corrected else ""
    return check


ITEMS = [
    {},
    {"title": HOSTILE, "help_text": HOSTILE},
    {"cadence": "monthly", "help_text": "Once a month"},
    {"cadence": "once", "title": HOSTILE},
    {"evidence_rule": "account_verified"},
    {"evidence_rule": "account_verified", "help_text": HOSTILE},
    {"evidence_rule": "no_such_rule"},
    {"evidence_rule": "no_such_rule", "help_text": HOSTILE},
]
CHECKS = [
    None,
    {},
    {"ticked": False},
    {"by": ""},  # ticked by a user deleted since
    {"note": HOSTILE},
    {"note": "fine", "corrected": True},
    {"by": "", "corrected": True, "week": OTHER_WEEK},  # a monthly or once tick of another week
    {"ticked": False, "note": "only a note", "corrected": True},
]


def _states() -> list[ItemState]:
    states = []
    for n, (fields, check) in enumerate(itertools.product(ITEMS, CHECKS), start=100):
        made = None if check is None else _check(**check)
        available = fields.get("evidence_rule") != "no_such_rule"
        done = bool(made and made.ticked) if not fields.get("evidence_rule") else n % 2 == 0
        state = ItemState(_item(n, **fields), done=done, check=made, available=available)
        state.tick_url = f"/t/acme/a/x/checklist/{state.item.public_id}/tick/?a=<&>"
        state.note_url = f"/t/acme/a/x/checklist/{state.item.public_id}/note/"
        states.append(state)
    return states


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _render(source: str, context: dict, request) -> str:
    """The template's answer, its CSRF tokens (masked afresh on every request) blanked."""
    written = engines["django"].from_string(source).render(context, request)
    return _TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', written)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_the_tag_writes_what_the_template_wrote(language, zone) -> None:
    states = _states()
    error_item = states[9].item.pk
    cases = itertools.product(
        [True, False],  # editable
        [("", None), ("Too <long> & 'bad'", error_item), ("Another item's error", -1)],
        [True, False],  # with a request (so a CSRF token) or without
    )
    compared = 0
    with translation.override(language), timezone.override(zone):
        for editable, (note_error, note_error_item), with_request in cases:
            request = RequestFactory().get("/") if with_request else None
            for state in states:
                context = {
                    "state": state,
                    "editable": editable,
                    "week": WEEK,
                    "week_label": "2026-W47",
                    "note_error": note_error,
                    "note_error_item": note_error_item,
                }
                old = _render("{% load checklists %}" + REFERENCE, context, request)
                new = _render(
                    "{% load checklist_items %}{% checklist_item state %}", context, request
                )
                assert new == old, (editable, note_error, with_request, state)
                compared += 1
    assert compared == 12 * len(ITEMS) * len(CHECKS)


def test_the_reference_covers_every_branch() -> None:
    """The cases above reach each state the template could write."""
    states = _states()
    request = RequestFactory().get("/")
    pages = ""
    for editable, state in itertools.product([True, False], states):
        context = {
            "state": state,
            "editable": editable,
            "week": WEEK,
            "week_label": "2026-W47",
            "note_error": "bad",
            "note_error_item": states[9].item.pk,
        }
        pages += _render("{% load checklists %}" + REFERENCE, context, request)
    for written in (
        "pb-item-done",
        "from data",
        "not available",
        "Not available: ",
        'name="ticked"',
        "csrfmiddlewaretoken",
        "monthly</span>",
        "once</span>",
        "someone no longer here",
        "(week 2026-W45)",
        "Corrected by alice",
        "Note:</span> &lt;b&gt;",
        "Edit the note",
        "Add a note",
        'aria-invalid="true"',
        '<details class="pb-note" open>',
        "&lt;script&gt;",
    ):
        assert written in pages, written
    assert "<script>" not in pages
    assert re.search(r"Ticked by bob on \w+ \d+ \w+, \d\d:\d\d\.", pages)


# -- whole pages --


_TEMPLATES = copy.deepcopy(django_settings.TEMPLATES)


# The loop over the practices of templates/strategy/checklist.html before the
# checklist_groups tag wrote it, with the partial `item` defined inline in it.
GROUPS_REFERENCE = """{% for group in groups %}
  <section class="mb-4" aria-labelledby="practice-{{ group.practice.pk }}">
    <h3 class="h5 mb-1" id="practice-{{ group.practice.pk }}">{{ group.practice.name }}</h3>
    {% if group.practice.guidance %}<p class="text-body-secondary small mb-2">{{ group.practice.guidance }}</p>{% endif %}
    <ul class="list-group">
      {% for state in group.states %}
      {% partialdef item inline %}ITEM{% endpartialdef %}
      {% endfor %}
    </ul>
  </section>
  {% empty %}"""  # noqa: E501


def _old_templates(settings) -> None:
    """The checklist template as it was: the practices' loop and the partial `item` written
    by the template."""
    source = (settings.BASE_DIR / "templates/strategy/checklist.html").read_text()
    groups = "{% if groups %}{% checklist_groups groups %}{% else %}"
    end = "  </div>\n  {% endif %}\n  {% endif %}\n</div>\n{% endpartialdef %}"
    item = "{% partialdef item %}{% checklist_item state %}{% endpartialdef %}\n"
    for part in (groups, end, item):
        assert source.count(part) == 1, part
    old = (
        source.replace(groups, GROUPS_REFERENCE.replace("ITEM", REFERENCE))
        .replace(end, "  </div>\n  {% endfor %}\n  {% endif %}\n</div>\n{% endpartialdef %}")
        .replace(item, "")
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    loaders = [
        ("django.template.loaders.locmem.Loader", {"strategy/checklist.html": old}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    templates[0]["OPTIONS"]["loaders"] = [("template_partials.loader.Loader", loaders)]
    settings.TEMPLATES = templates
    read = engines["django"].get_template("strategy/checklist.html").template.source
    assert "{% with item=state.item check=state.check %}" in read
    assert "{% for group in groups %}" in read


_ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


def _pages(client, requests) -> list[str]:
    written = []
    answered = []
    for method, url, data, headers in requests:
        response = getattr(client, method)(url, data, headers=headers)
        assert response.status_code in (200, 403), (url, response.status_code)
        answered.append(response.status_code)
        # CSRF tokens (in the forms and in the page's hx-headers) are masked afresh each time.
        written.append(_ANY_TOKEN.sub("TOKEN", response.content.decode()))
    return [f"{status}\n{page}" for status, page in zip(answered, written, strict=True)]


@pytest.mark.django_db
def test_whole_pages_are_what_the_template_wrote(  # noqa: PLR0913 - the fixtures
    settings, client, alice, bob, acmecoffee, week, last_week
) -> None:
    this = open_checklist(acmecoffee)
    last = open_checklist(acmecoffee, last_week)
    items = ChecklistItem.objects.filter(practice__template=this.template, evidence_rule="")
    manual = list(items.order_by("pk"))
    assert len(manual) >= 4
    ChecklistItem.objects.filter(pk=manual[0].pk).update(title=HOSTILE, help_text=HOSTILE)
    ChecklistItem.objects.filter(pk=manual[1].pk).update(cadence="once")
    ChecklistItem.objects.filter(pk=manual[2].pk).update(cadence="monthly")
    gone = UserFactory(username="gone")
    MembershipFactory(team=acmecoffee.team, user=gone, role=Role.LEAD)
    check_set(checklist=last, item=manual[1], user=gone, ticked=True)
    check_set(checklist=last, item=manual[2], user=bob, ticked=True)
    check_set(checklist=last, item=manual[0], user=alice, ticked=True, correction=True)
    check_note_set(checklist=this, item=manual[0], user=bob, note=HOSTILE)
    check_set(checklist=this, item=manual[3], user=bob, ticked=True)
    gone.delete()
    first = manual[0].public_id
    de = {"Accept-Language": "de"}
    htmx = {**de, "HX-Request": "true", "HX-Target": f"item-{first}"}
    requests = []
    for checklist, label in ((this, ""), (last, f"?week={week_label(last_week)}")):
        url = checklist_url(acmecoffee) + label
        requests += [
            ("get", url, {}, {}),
            ("get", url, {}, de),
            ("get", url, {}, {"HX-Request": "true", "HX-Target": "checklist-week"}),
        ]
        # A note too long: the page (or the htmx item) with the error, nothing written.
        bad = {"week": week_label(checklist.week_start), "note": "<x>" * 200}
        requests += [
            ("post", note_url(acmecoffee, manual[0]), bad, de),
            ("post", note_url(acmecoffee, manual[0]), bad, htmx),
        ]
    compared = 0
    for user in (alice, bob):
        client.force_login(user)
        new = _pages(client, requests)
        _old_templates(settings)
        old = _pages(client, requests)
        settings.TEMPLATES = copy.deepcopy(_TEMPLATES)
        for request, before, after in zip(requests, old, new, strict=True):
            assert after == before, (user, request)
            compared += 1
        assert any("someone no longer here" in page for page in new)
        assert any("aria-invalid" in page for page in new)
        assert sum(page.startswith("200") for page in new) >= 8
    assert compared == 20


@pytest.mark.django_db
def test_a_checklist_without_items_is_what_the_template_wrote(
    settings, client, alice, bob, acmecoffee, week
) -> None:
    this = open_checklist(acmecoffee)
    # Every item starts after this week: the week's checklist has none.
    ChecklistItem.objects.filter(practice__template=this.template).update(
        active_from=week + timedelta(weeks=1)
    )
    url = checklist_url(acmecoffee)
    requests = [
        ("get", url, {}, {}),
        ("get", url, {}, {"HX-Request": "true", "HX-Target": "checklist-week"}),
    ]
    for user in (alice, bob):
        client.force_login(user)
        new = _pages(client, requests)
        _old_templates(settings)
        old = _pages(client, requests)
        settings.TEMPLATES = copy.deepcopy(_TEMPLATES)
        assert new == old, user
        assert all("This checklist has no items" in page for page in new)


# The partial `progress` of templates/strategy/checklist.html before the tag wrote it.
PROGRESS_REFERENCE = """
  <div id="checklist-progress" class="mb-3" aria-live="polite"{% if oob %} hx-swap-oob="innerHTML"{% endif %}>
    <p class="mb-1" id="progress-label"><strong>{{ progress.done }} of {{ progress.total }}</strong> done{% if progress.total %} ({{ progress.share|percent:0 }}){% endif %}{% if progress.left %}, {{ progress.left }} left{% elif progress.total %}: all done{% endif %}.</p>
    <progress class="pb-progress" max="{{ progress.total|default:1 }}" value="{{ progress.done }}" aria-labelledby="progress-label">{{ progress.done }} of {{ progress.total }}</progress>
  </div>
  """  # noqa: E501


@pytest.mark.parametrize("oob", [False, True])
@pytest.mark.parametrize(
    ("done", "total"), [(0, 0), (0, 3), (1, 3), (2, 3), (3, 3), (2, 7), (1, 8), (999, 1000)]
)
def test_the_progress_tag_writes_what_the_template_wrote(done, total, oob) -> None:
    context = {"progress": Progress(done=done, total=total), "oob": oob}
    request = RequestFactory().get("/")
    tag = "{% load checklist_items %}{% checklist_progress progress %}"
    assert _render(tag, context, request) == _render(PROGRESS_REFERENCE, context, request)
