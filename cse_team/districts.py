"""The districts the team covers: Kent County Council's twelve districts and
Medway, a separate unitary authority with its own children's services.

This is the vocabulary; the effective-dated `accounts.District` rows are made
from it by a data migration, so later changes (a renamed or merged district)
are new migrations that set `valid_to` and add a row, never edits of history.
"""

import datetime
from dataclasses import dataclass, field

KCC = "kcc"
MEDWAY = "medway"


@dataclass(frozen=True)
class DistrictDefinition:
    code: str
    name: str
    childrens_services: str  # agency code of the children's services authority
    # Kent's districts date from the 1974 reorganisation; Medway became a
    # unitary authority on 1 April 1998.
    valid_from: datetime.date = datetime.date(1974, 4, 1)
    former_names: tuple[str, ...] = field(default_factory=tuple)


DISTRICTS: tuple[DistrictDefinition, ...] = (
    DistrictDefinition("ashford", "Ashford", KCC),
    DistrictDefinition("canterbury", "Canterbury", KCC),
    DistrictDefinition("dartford", "Dartford", KCC),
    DistrictDefinition("dover", "Dover", KCC),
    DistrictDefinition(
        "folkestone-hythe",
        "Folkestone and Hythe",
        KCC,
        former_names=("Shepway",),  # renamed on 1 April 2018
    ),
    DistrictDefinition("gravesham", "Gravesham", KCC),
    DistrictDefinition("maidstone", "Maidstone", KCC),
    DistrictDefinition("sevenoaks", "Sevenoaks", KCC),
    DistrictDefinition("swale", "Swale", KCC),
    DistrictDefinition("thanet", "Thanet", KCC),
    DistrictDefinition("tonbridge-malling", "Tonbridge and Malling", KCC),
    DistrictDefinition("tunbridge-wells", "Tunbridge Wells", KCC),
    DistrictDefinition("medway", "Medway", MEDWAY, valid_from=datetime.date(1998, 4, 1)),
)
