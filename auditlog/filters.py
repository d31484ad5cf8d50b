"""The audit-log filters (SPEC S3): one FilterSet for the page, the export and the API.

Invalid values (a bad date, a foreign user, a gated category) are dropped by the form and named in
`ignored`, so the page renders with a note instead of failing, and never widens what is visible.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, QuerySet, Value
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.entitlements import Entitlements, entitlements_for
from accounts.models import Account, Membership, Team
from auditlog import catalog
from auditlog.models import Event
from auditlog.selectors import events_for_list, events_visible

FILTER_KEYS = ("category", "subcategory", "action", "actor", "date", "start", "end")

DATE_PRESETS: tuple[tuple[str, Any], ...] = (
    ("today", _("Today")),
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("custom", _("Custom range")),
)
PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}
# A custom range outside these days is refused: beyond them the range's instants overflow.
EARLIEST_DAY = dt.date(1970, 1, 1)
LATEST_DAY = dt.date(9998, 12, 31)
MAX_VALUE_LENGTH = 200
ACTOR_TOKEN = re.compile(r"^(u|t)(\d{1,18})$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _clean_value(value: Any) -> str:
    # NUL cannot be stored in PostgreSQL text or jsonb (the self-audit event keeps the filters).
    return str(value).replace("\x00", "").strip()[:MAX_VALUE_LENGTH]


def normalize_filters(data: QueryDict | dict[str, Any]) -> dict[str, Any]:
    """The filter part of a query string as a stable dict (for views, comparison, export)."""
    result = _as_given(data)
    if custom_range_swapped(result):
        # A range given end first means the same days: applied (and shown) in order.
        result["start"], result["end"] = result["end"], result["start"]
    return result


def custom_range_swapped(data: QueryDict | dict[str, Any]) -> bool:
    """Whether the custom range ends before it starts: `normalize_filters` swaps it, and the
    page says so."""
    given = _as_given(data)
    start, end = given.get("start", ""), given.get("end", "")
    if not (ISO_DAY.match(start) and ISO_DAY.match(end)):
        return False
    try:
        return dt.date.fromisoformat(end) < dt.date.fromisoformat(start)
    except ValueError:
        return False


def _as_given(data: QueryDict | dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key in FILTER_KEYS:
        if isinstance(data, QueryDict):
            raw_values = data.getlist(key)
        else:
            raw = data.get(key)
            raw_values = raw if isinstance(raw, list) else ([raw] if raw else [])
        values = [v for v in (_clean_value(v) for v in raw_values) if v]
        if not values:
            continue
        result[key] = sorted(set(values)) if key == "actor" else values[0]
    if result.get("date") != "custom":
        result.pop("start", None)
        result.pop("end", None)
    return result


def has_filter_params(data: QueryDict) -> bool:
    """Whether the URL carries filter state of its own (else a view's saved filters apply)."""
    return any(key in data for key in FILTER_KEYS)


class EventFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        category = cleaned.get("category")
        subcategory = cleaned.get("subcategory")
        if subcategory and not category and "category" in self.errors:
            self.add_error("subcategory", _("Dropped with the category."))
        elif subcategory and not category:
            self.add_error("subcategory", _("Choose a category first."))
        elif (
            subcategory
            and category
            and subcategory not in catalog.category(category).subcategory_index
        ):
            self.add_error("subcategory", _("This subcategory is not in the category."))
        action = cleaned.get("action")
        if action and category:
            # Only what the chosen category (and subcategory) records: another action matches
            # nothing there, so it is named and dropped rather than emptying the page.
            subcategory = cleaned.get("subcategory") or ""
            if action not in {a.code for a in catalog.actions_for(category, subcategory)}:
                self.add_error(
                    "action",
                    _("%(where)s has no %(action)s action.")
                    % {
                        "action": catalog.label_of("action", action),
                        "where": catalog.label_of(
                            "subcategory" if subcategory else "category", subcategory or category
                        ),
                    },
                )
        if cleaned.get("date") == "custom":
            for name in ("start", "end"):
                day = cleaned.get(name)
                if day and not EARLIEST_DAY <= day <= LATEST_DAY:
                    self.add_error(name, _("Enter a date between 1970 and 9998."))
            start, end = cleaned.get("start"), cleaned.get("end")
            if start and end and end < start:
                self.add_error("end", _("The end date is before the start date."))
        return cleaned


class CategoryField(django_filters.fields.ChoiceField):
    """A catalog category; one the account's tier does not allow is refused with the tier it
    needs, not as an unknown choice."""

    def __init__(self, *args: Any, gated: dict[str, str] | None = None, **kwargs: Any) -> None:
        self.gated = gated or {}
        super().__init__(*args, **kwargs)

    def validate(self, value: Any) -> None:
        if value in self.gated:
            raise forms.ValidationError(self.gated[value], code="gated")
        super().validate(value)


class CategoryFilter(django_filters.ChoiceFilter):
    field_class = CategoryField


class ActorField(django_filters.fields.MultipleChoiceField):
    """`u<id>` for a user, `t<id>` for a team; membership of the account is checked on clean."""

    def valid_value(self, value: str) -> bool:
        return bool(ACTOR_TOKEN.match(value))


class ActorFilter(django_filters.MultipleChoiceFilter):
    field_class = ActorField


class EventFilter(django_filters.FilterSet):
    category = CategoryFilter(label=_("Category"), method="filter_category")
    subcategory = django_filters.ChoiceFilter(label=_("Subcategory"), method="filter_subcategory")
    action = django_filters.ChoiceFilter(label=_("Action"), method="filter_action")
    actor = ActorFilter(label=_("Changed by"), method="filter_actor")
    date = django_filters.ChoiceFilter(
        label=_("Date"), choices=DATE_PRESETS, method="filter_date", empty_label=_("Any time")
    )
    start = django_filters.DateFilter(label=_("From"), method="filter_noop")
    end = django_filters.DateFilter(label=_("To"), method="filter_noop")

    class Meta:
        model = Event
        fields: list[str] = []
        form = EventFilterForm

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None,
        queryset: QuerySet[Event],
        *,
        account: Account,
        entitlements: Entitlements,
        tz: zoneinfo.ZoneInfo | dt.tzinfo | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        super().__init__(data=data, queryset=queryset)
        self.actor_names: dict[str, str] = {}
        self._team_members: dict[int, list[int]] = {}
        self.account = account
        self.entitlements = entitlements
        self.tz = tz or timezone.get_current_timezone()
        self.now = now or timezone.now()
        allowed = [c for c in catalog.CATEGORIES if entitlements.allows(c.capability)]
        self.filters["category"].extra["choices"] = [(c.code, c.label) for c in allowed]
        self.filters["category"].extra["gated"] = {
            c.code: _("%(category)s (%(reason)s)")
            % {"category": c.label, "reason": entitlements.reason(c.capability)}
            for c in catalog.CATEGORIES
            if not entitlements.allows(c.capability)
        }
        chosen = catalog.CATEGORY_INDEX.get(str(self.data.get("category") or ""))
        self.filters["subcategory"].extra["choices"] = (
            [(s.code, s.label) for s in chosen.subcategories] if chosen else []
        )
        self.filters["action"].extra["choices"] = [(a.code, a.label) for a in catalog.ACTIONS]

    @property
    def form(self) -> forms.Form:
        form = super().form
        if not getattr(self, "_actor_checked", False):
            self._actor_checked = True
            form.fields["actor"].validators.append(self._validate_actors)
        return form

    def _validate_actors(self, values: list[str]) -> None:
        # One lookup validates the chosen actors, names them for the page's chips and gives each
        # team's members for the filter itself.
        self.actor_names, self._team_members = actor_directory(account=self.account, tokens=values)
        unknown = set(values) - set(self.actor_names)
        if unknown:
            raise forms.ValidationError(
                _("Unknown user or team: %(values)s"), params={"values": ", ".join(sorted(unknown))}
            )

    # Filter methods -----------------------------------------------------------------------

    def filter_category(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return queryset.filter(category=value) if value else queryset

    def filter_subcategory(
        self, queryset: QuerySet[Event], name: str, value: str
    ) -> QuerySet[Event]:
        return queryset.filter(subcategory=value) if value else queryset

    def filter_action(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return queryset.filter(action=value) if value else queryset

    def filter_actor(
        self, queryset: QuerySet[Event], name: str, values: list[str]
    ) -> QuerySet[Event]:
        if not values:
            return queryset
        user_ids = {int(v[1:]) for v in values if v.startswith("u")}
        for value in values:
            if value.startswith("t"):
                # A team means the actions of its (current) members, found when validating.
                user_ids.update(self._team_members.get(int(value[1:]), []))
        return queryset.filter(actor_user_id__in=sorted(user_ids))

    def filter_date(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        start, end = self.date_range()
        if start:
            queryset = queryset.filter(occurred_at__gte=start)
        if end:
            queryset = queryset.filter(occurred_at__lt=end)
        return queryset

    def filter_noop(self, queryset: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        return queryset  # applied by filter_date, together with the preset

    # Derived facts ------------------------------------------------------------------------

    def cleaned(self) -> dict[str, Any]:
        self.errors  # noqa: B018  (runs validation)
        return self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}

    def date_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The chosen period as aware datetimes [start, end), in the viewer's time zone."""
        data = self.cleaned()
        preset = data.get("date")
        local_now = self.now.astimezone(self.tz)
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        if preset == "today":
            return midnight, None
        if preset in PRESET_DAYS:
            return local_now - dt.timedelta(days=PRESET_DAYS[preset]), None
        if preset == "custom":
            start, end = data.get("start"), data.get("end")
            return (
                _local_midnight(start, self.tz) if start else None,
                _local_midnight(end + dt.timedelta(days=1), self.tz) if end else None,
            )
        return None, None

    def problems(self) -> dict[str, list[str]]:
        """Each invalid filter, by its label, with why: the page drops these, an export refuses."""
        problems: dict[str, list[str]] = {}
        for name, errors in self.errors.items():
            field = self.form.fields.get(name)
            problems[str(field.label) if field else name] = [str(e) for e in errors]
        return problems

    def ignored(self) -> list[str]:
        """Human-readable notes for each filter value that was dropped."""
        return [f"{label}: {' '.join(errors)}" for label, errors in self.problems().items()]


def event_filter(
    *,
    account: Account,
    filters: QueryDict | dict[str, Any],
    entitlements: Entitlements | None = None,
    for_list: bool = False,
    tz: dt.tzinfo | None = None,
    now: dt.datetime | None = None,
) -> EventFilter:
    """The FilterSet over the events the account's tier may see (categories, employee actions,
    retention): how the page, saved views and exports all filter the log. `for_list` reads only
    the columns the page's table shows."""
    entitlements = entitlements or entitlements_for(account=account)
    events = (events_for_list if for_list else events_visible)(
        account=account, entitlements=entitlements
    )
    return EventFilter(filters, events, account=account, entitlements=entitlements, tz=tz, now=now)


def _local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min).replace(tzinfo=tz)


def actor_labels(*, account: Account, tokens: list[str]) -> dict[str, str]:
    """Display names of `u<id>` / `t<id>` tokens that belong to the account (others are absent)."""
    return actor_directory(account=account, tokens=tokens)[0]


def actor_directory(
    *, account: Account, tokens: list[str]
) -> tuple[dict[str, str], dict[int, list[int]]]:
    """The names of the account's users and teams among the tokens, and each team's current
    members (one query for the users, one for the teams with their members)."""
    user_ids = [int(t[1:]) for t in tokens if ACTOR_TOKEN.match(t) and t[0] == "u"]
    team_ids = [int(t[1:]) for t in tokens if ACTOR_TOKEN.match(t) and t[0] == "t"]
    labels: dict[str, str] = {}
    members: dict[int, list[int]] = {}
    if user_ids:
        for uid, name, email in Membership.objects.filter(
            account=account, user_id__in=user_ids
        ).values_list("user_id", "user__full_name", "user__email"):
            labels[f"u{uid}"] = name or email
    if team_ids:
        teams = (
            Team.objects.filter(account=account, id__in=team_ids)
            .annotate(member_ids=ArrayAgg("members__user_id", default=Value([])))
            .values_list("id", "name", "member_ids")
        )
        for tid, name, member_ids in teams:
            labels[f"t{tid}"] = name
            members[tid] = [m for m in member_ids if m is not None]
    return labels, members


def actor_search(*, account: Account, query: str, limit: int = 8) -> list[tuple[str, str, str]]:
    """Users and teams of the account whose name or email matches: (token, label, kind)."""
    query = _clean_value(query)
    members = Membership.objects.filter(account=account, is_active=True).select_related("user")
    teams = Team.objects.filter(account=account)
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
        teams = teams.filter(name__icontains=query)
    results = [(f"t{t.id}", t.name, "team") for t in teams.order_by("name")[: max(2, limit // 3)]]
    results += [
        (f"u{m.user_id}", m.user.full_name or m.user.email, m.user.email)
        for m in members.order_by("user__full_name")[:limit]
    ]
    return results[:limit]


def filters_describe(
    *, account: Account, filters: dict[str, Any], labels: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """A view's filters in words, as (what, value) pairs: what a saved view will show. People
    and teams are named from `labels` when the caller looked them up for many views at once."""
    filters = normalize_filters(filters)
    described: list[tuple[str, str]] = []
    category = filters.get("category")
    described.append(
        (
            str(_("Category")),
            catalog.label_of("category", category) if category else str(_("All categories")),
        )
    )
    if filters.get("subcategory"):
        described.append(
            (str(_("Subcategory")), catalog.label_of("subcategory", filters["subcategory"]))
        )
    if filters.get("action"):
        described.append((str(_("Action")), catalog.label_of("action", filters["action"])))
    actors = filters.get("actor") or []
    if actors:
        if labels is None:
            labels = actor_labels(account=account, tokens=actors)
        names = sorted(labels.get(token, token) for token in actors)
        described.append((str(_("Changed by")), ", ".join(names)))
    date = filters.get("date")
    if date == "custom":
        value = _("%(start)s to %(end)s") % {
            "start": filters.get("start", "…"),
            "end": filters.get("end", "…"),
        }
    else:
        value = dict(DATE_PRESETS).get(date or "", _("Any time"))
    described.append((str(_("Date")), str(value)))
    return described


def filters_describe_many(
    *, account: Account, filters: list[dict[str, Any]]
) -> list[list[tuple[str, str]]]:
    """Many views' filters in words, in order; the people and teams they name are looked up
    together, so a list of views costs the same queries whatever its length."""
    labels = actor_labels_of(account=account, filters=filters)
    return [filters_describe(account=account, filters=each, labels=labels) for each in filters]


def actor_labels_of(*, account: Account, filters: list[dict[str, Any]]) -> dict[str, str]:
    """The names of the people and teams that any of these filters choose, in one lookup."""
    tokens = {token for each in filters for token in normalize_filters(each).get("actor", [])}
    return actor_labels(account=account, tokens=sorted(tokens))
