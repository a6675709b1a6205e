"""The child a referral is about. A child has no visibility of their own: they
are seen at the highest level of any of their referrals the user may see."""

import datetime

import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField, TrigramWordSimilarity
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import District
from sharing.querysets import DerivedQuerySet
from sharing.registry import derived


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other or self-described"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 census ethnic groups (England and Wales), plus not stated."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed or multiple: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "Mixed or multiple: White and Black Caribbean"
    MIXED_OTHER = "mixed_other", "Mixed or multiple: any other background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    NOT_STATED = "not_stated", "Not stated"


class SpecialNeeds(models.TextChoices):
    NONE = "none", "None known"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan"
    DISABILITY = "disability", "Disability"
    NOT_KNOWN = "not_known", "Not known"


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


# Trigram word similarity of "first last" to a child's names, for a likely
# match: "Jaiden Okoro" and "Jaydon Okoro" score 0.46.
SIMILAR_NAME_SAME_BIRTHDAY = 0.4
SIMILAR_NAME = 0.6


class ChildQuerySet(DerivedQuerySet):
    def named(self, text: str):
        """Children whose names or aliases match every word of `text`, each
        word or a known name similar to it (referrals.search.name_search)."""
        from referrals.search import name_search

        found = name_search(text)
        return self.filter(search_vector=found.query) if found else self.none()

    def matching(self, *, first_name: str = "", last_name: str = "", date_of_birth=None, loose: bool = False):
        """Likely the same child: a similar name (trigram, tolerant of misspelling
        and of aliases) and, when the date of birth is known, the same one (or
        none recorded). Without a date of birth the names must be closer, unless
        `loose` (a person searching, who will judge the results themselves)."""
        name = f"{first_name} {last_name}".strip().lower()
        records = self.annotate(similarity=TrigramWordSimilarity(name, "search_names"))
        if date_of_birth:
            records = records.filter(Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True))
        if date_of_birth or loose:
            records = records.filter(similarity__gte=SIMILAR_NAME_SAME_BIRTHDAY)
        else:
            records = records.filter(similarity__gte=SIMILAR_NAME)
        return records.order_by("-similarity", "pk")


@derived(
    via="referrals",
    summary_fields=["first_name", "last_name", "aliases", "date_of_birth", "estimated_age", "district"],
)
class Child(models.Model):
    """A child (under 18 when referred) about whom there is a concern. Identifying
    fields are the summary: who else knows this child."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True, help_text="Other names used")
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When the date of birth is not known"
    )
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED)
    first_language = models.CharField(max_length=100, blank=True)
    special_needs = models.CharField(
        "SEN or disability", max_length=20, choices=SpecialNeeds.choices, default=SpecialNeeds.NOT_KNOWN
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name="district of residence"
    )
    school = models.CharField(max_length=200, blank=True)
    looked_after = models.BooleanField("looked after", default=False)
    placing_authority = models.CharField(max_length=200, blank=True)
    external_references = models.JSONField(
        default=dict, blank=True, help_text="References in other systems, by system name (police, council, NHS)"
    )
    # Names and aliases in one lower-case string, kept by the services, for
    # trigram search and duplicate detection.
    search_names = models.TextField(editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("search_names", config="simple"), output_field=SearchVectorField(), db_persist=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "children"
        triggers = [
            # Every word of a child's names is known to name search at once;
            # ChildNameWord's counts are refreshed by a periodic task.
            pgtrigger.Trigger(
                name="child_name_words",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("search_names"),
                func="""
                    INSERT INTO referrals_childnameword (word, children)
                    SELECT lexeme, 1 FROM unnest(tsvector_to_array(NEW.search_vector)) AS lexeme
                    ON CONFLICT (word) DO NOTHING;
                    RETURN NULL;
                """,
            )
        ]
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            GinIndex(name="child_names_trgm", fields=["search_names"], opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_vector"], name="child_search_vector_idx"),
            models.Index(fields=["date_of_birth"], name="child_date_of_birth_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="child_dob_or_estimated_age",
                condition=Q(date_of_birth__isnull=False) | Q(estimated_age__isnull=False),
                violation_error_message="Give the child's date of birth or, if it is not known, an estimated age.",
            ),
            models.CheckConstraint(
                name="child_estimated_age_under_18", condition=Q(estimated_age__isnull=True) | Q(estimated_age__lt=18)
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth:
            return age_on(self.date_of_birth, day)
        return self.estimated_age


class ChildNameWord(models.Model):
    """Each word that occurs in children's names and aliases, with how many
    children have it. Name search widens what was typed to the known words
    similar to it (a trigram search of this small table), then matches
    children by full text, so a misspelling finds the name and the planner
    knows how many children to expect. Words arrive with a child (a trigger);
    counts are refreshed by `refresh_child_name_words` (hourly)."""

    word = models.CharField(max_length=200, primary_key=True)
    children = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [GinIndex(name="child_name_word_trgm", fields=["word"], opclasses=["gin_trgm_ops"])]

    def __str__(self):
        return f"{self.word} ({self.children})"
