"""An account's videos (the Content page), one video, its mark, the CSV, the team's markers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import team_view
from accounts.models import Account, Membership
from accounts.selectors import account_get
from analytics.content import video_csv
from analytics.content import video_marks as services
from analytics.content import videos as selectors
from analytics.content.forms import PromotionalMarkersForm, VideoListForm, VideoMarkForm
from analytics.content.links import VIDEO_ID
from analytics.models import Video
from analytics.promotion import DEFAULT_MARKERS, team_markers
from analytics.scorecards import windows
from lib.htmx import render_partial_for_target
from lib.urls import sort_links, url_filler

VIDEOS_PER_PAGE = 25
# The part of the page an htmx request may ask for alone, by the id it swaps.
PARTIALS = {"videos-table": "table"}
COLUMNS = (
    ("posted_on", "Posted", False),
    ("title", "Title", False),
    ("views", "Views", True),
    ("likes", "Likes", True),
    ("comments", "Comments", True),
    ("shares", "Shares", True),
    ("engagement_rate", "Engagement rate", True),
)


@require_GET
@vary_on_headers("HX-Request")
@team_view
def video_list(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    form = VideoListForm(request.GET)
    sort = form.sort_value()
    videos = selectors.account_videos(account=account)
    page = _video_page(request, account, videos, sort)
    page.object_list = selectors.attach_promotional(page.object_list)
    selectors.attach_engagement_rates(page.object_list)
    list_url = reverse("analytics:video-list", args=[membership.team.slug, account.handle])
    context = {
        "membership": membership,
        "account": account,
        "sort": sort,
        "columns": _columns(request.GET, sort),
        "page": page,
        "list_url": list_url,
        # An htmx swap of the table pushes its own URL, so this is the page's URL either way.
        "next_url": request.get_full_path(),
    }
    shown = list(page.object_list)
    if not (request.htmx and PARTIALS.get(request.htmx.target) == "table"):
        # The whole page: the period, its top and bottom videos and the page's links, which
        # the table alone (what a sort or a page link swaps in) does not show.
        days, end = form.window_values()
        if end is None:
            end = windows.account_default_end(account=account, days=days)
        window = windows.window_of(end=end, days=days)
        # The first page of the newest videos often holds the whole window: then no second
        # read.
        holds = selectors.holds_window(page=page, sort=sort, window=window)
        ranked = selectors.video_top_and_bottom(
            account=account,
            window=window,
            read=page.object_list if holds else None,
            videos=videos,
        )
        selectors.attach_promotional([*ranked.top, *ranked.bottom])
        shown += [*ranked.top, *ranked.bottom]
        context |= {
            **_page_urls(membership, account, window),
            "window": window,
            "window_form": VideoListForm(initial={"days": days, "end": end, "sort": sort}),
            "ranked": ranked,
        }
    _attach_urls(shown, membership, account)
    return render_partial_for_target(request, "analytics/videos.html", PARTIALS, context)


@require_GET
@team_view
def video_export(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"videos-{membership.team.slug}-{account.handle}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    video_csv.write_csv(
        selectors.video_export_rows(team=membership.team, account=account), response
    )
    return response


@require_GET
@team_view
def video_detail(
    request: HttpRequest, membership: Membership, handle: str, video_id: str
) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    video = selectors.video_get(user=request.user, account=account, video_id=video_id)
    selectors.attach_promotional([video])
    snapshots = selectors.video_snapshots(video=video)
    context = {
        "membership": membership,
        "account": account,
        "video": video,
        "snapshots": snapshots,
        "chart_data": {
            "labels": [snapshot.date.isoformat() for snapshot in snapshots],
            "views": [snapshot.views for snapshot in snapshots],
        },
        "next_url": request.get_full_path(),
        "list_url": reverse("analytics:video-list", args=[membership.team.slug, account.handle]),
    }
    return render(request, "analytics/video_detail.html", context)


@require_POST
@team_view
def video_mark(
    request: HttpRequest, membership: Membership, handle: str, video_id: str
) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    video = selectors.video_get(user=request.user, account=account, video_id=video_id)
    form = VideoMarkForm(request.POST)
    next_url = _next_url(request, membership, account)
    if form.is_valid():
        services.video_mark(video=video, user=request.user, promotional=form.mark())
        video = selectors.video_get(user=request.user, account=account, video_id=video_id)
    if request.htmx:
        selectors.attach_promotional([video])
        _attach_urls([video], membership, account)
        context = {
            "membership": membership,
            "account": account,
            "video": video,
            "mark_error": _first_error(form),
            "next_url": next_url,
        }
        return render(request, "analytics/videos.html#video-row", context)
    if form.is_valid():
        messages.success(request, f"Video {video.video_id} was saved.")
    else:
        messages.error(request, f"Video {video.video_id} was not changed: {_first_error(form)}")
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
@team_view(lead_only=True)
def promotional_markers(request: HttpRequest, membership: Membership) -> HttpResponse:
    markers = team_markers(membership.team)
    initial = {"markers": PromotionalMarkersForm.text_of(markers)}
    form = PromotionalMarkersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.promotional_markers_save(
            team=membership.team, user=request.user, markers=form.cleaned_data["markers"]
        )
        messages.success(request, f"{len(saved.markers)} promotional markers were saved.")
        return redirect("analytics:promotional-markers", team_slug=membership.team.slug)
    context = {
        "membership": membership,
        "form": form,
        "uses_defaults": tuple(markers) == DEFAULT_MARKERS,
        "default_markers": DEFAULT_MARKERS,
    }
    return render(request, "analytics/promotional_markers.html", context)


@require_POST
@team_view(lead_only=True)
def promotional_markers_reset(request: HttpRequest, membership: Membership) -> HttpResponse:
    services.promotional_markers_reset(team=membership.team, user=request.user)
    messages.success(request, "The promotional markers are the defaults again.")
    return redirect("analytics:promotional-markers", team_slug=membership.team.slug)


def _video_page(request: HttpRequest, account: Account, videos: QuerySet[Video], sort: str) -> Page:
    """The page of the account's videos the request asks for, as Paginator.get_page gives it.

    Without a page number, the first page is read before the videos are counted: when it
    holds fewer videos than a page, they are all of them, and the count is not asked for.
    The count is of the videos alone, without the figures the listed ones are joined with:
    the same number, cheaper.
    """
    videos = selectors.video_list(account=account, sort=sort, videos=videos)
    paginator = Paginator(videos, VIDEOS_PER_PAGE)
    number = request.GET.get("page")
    if number is not None:
        paginator.count = selectors.video_count(account=account)
        return paginator.get_page(number)
    first = list(videos[:VIDEOS_PER_PAGE])
    if len(first) < VIDEOS_PER_PAGE:
        paginator.count = len(first)
    else:
        paginator.count = selectors.video_count(account=account)
    return Page(first, 1, paginator)


def _page_urls(membership: Membership, account: Account, window: Any) -> dict[str, str]:
    """The whole page's links to the account's CSV and its scorecard of the window."""
    return {
        "export_url": reverse(
            "analytics:video-export", args=[membership.team.slug, account.handle]
        ),
        "scorecard_url": reverse(
            "analytics:account-scorecard", args=[membership.team.slug, account.handle]
        )
        + f"?days={window.days}&end={window.end.isoformat()}",
    }


def _attach_urls(videos: list[Video], membership: Membership, account: Account) -> None:
    """Sets each video's `detail_url` and `mark_url`, which its row and ranked item link.

    Two reverse() calls a page rather than two per video (lib.urls.url_filler) for ids of
    digits (what links.VIDEO_ID reads), which a URL carries as they are; any other id is
    reversed for itself, so that reverse() quotes it.
    """
    args = [membership.team.slug, account.handle]
    detail = url_filler("analytics:video-detail", *args, stand_in="~")
    mark = url_filler("analytics:video-mark", *args, stand_in="~")
    # A video of the table may also be in a ranked list: each object once.
    for video in {id(video): video for video in videos}.values():
        video_id = video.video_id
        if VIDEO_ID.fullmatch(video_id):
            video.detail_url = detail(video_id)
            video.mark_url = mark(video_id)
        else:
            video.detail_url = reverse("analytics:video-detail", args=[*args, video_id])
            video.mark_url = reverse("analytics:video-mark", args=[*args, video_id])


def _columns(query: QueryDict, current: str) -> list[dict[str, Any]]:
    """For each sortable column: its label, the query that sorts by it, its direction."""
    # Figures start from the largest, words and dates from the newest or A.
    firsts = (
        (name, f"-{name}" if numeric or name == "posted_on" else name)
        for name, _, numeric in COLUMNS
    )
    links = sort_links(query, current, firsts)
    return [
        {
            "name": name,
            "label": label,
            "numeric": numeric,
            "query": links[name][0],
            "direction": links[name][1],
        }
        for name, label, numeric in COLUMNS
    ]


def _next_url(request: HttpRequest, membership: Membership, account: Account) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("analytics:video-list", args=[membership.team.slug, account.handle])


def _first_error(form: VideoMarkForm) -> str:
    if form.is_valid():
        return ""
    return next(iter(form.errors.values()))[0]
