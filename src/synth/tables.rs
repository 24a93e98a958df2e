//! Rates and vocabularies of the synthetic exports, with rough frequencies
//! from the real files in `shared/realdata/` (City of London 2017-12 to
//! 2020-11, Kent 2019-01 and 2019-02, Met 2016-06) and FORMAT_NOTES.md.
//!
//! Rates are integers in parts per 100,000 so that no float rounding can ever
//! change the output.

use super::SplitMix64;

pub(super) const DUPLICATE: u32 = 2_000;
pub(super) const GROUP: u32 = 3_000;
pub(super) const NO_LOCATION: u32 = 11_000;
pub(super) const NORTHERN_IRELAND: u32 = 50;
pub(super) const OPERATION: u32 = 300;
pub(super) const DATE_ONLY: u32 = 1_000;
pub(super) const WHOLE_SECONDS: u32 = 75_000;
/// Vehicle searches mostly leave every person field empty.
pub(super) const VEHICLE_NO_PERSON: u32 = 90_000;
/// The person declined or was not asked: ethnicities empty, often more.
pub(super) const PERSON_UNRECORDED: u32 = 800;
pub(super) const EXTRA_AGE_EMPTY: u32 = 4_200;
pub(super) const EXTRA_OFFICER_EMPTY: u32 = 500;
pub(super) const LINKED_EMPTY: u32 = 78_000;

/// A weighted vocabulary; listing the most frequent first shortens the scan.
pub(super) struct Table<T: 'static> {
    items: &'static [(T, u32)],
    total: u32,
}

impl<T: Copy> Table<T> {
    pub(super) const fn new(items: &'static [(T, u32)]) -> Self {
        let mut total = 0;
        let mut i = 0;
        while i < items.len() {
            total += items[i].1;
            i += 1;
        }
        Table { items, total }
    }

    pub(super) fn pick(&self, rng: &mut SplitMix64) -> T {
        let mut r = rng.below(self.total as u64) as u32;
        for &(item, weight) in self.items {
            if r < weight {
                return item;
            }
            r -= weight;
        }
        self.items[self.items.len() - 1].0
    }
}

pub(super) const TYPES: Table<&str> = Table::new(&[
    ("Person search", 71_000),
    ("Person and Vehicle search", 28_000),
    ("Vehicle search", 1_000),
]);
pub(super) const VEHICLE_SEARCH: &str = "Vehicle search";

pub(super) const PART_OF_OPERATION: Table<&str> =
    Table::new(&[("False", 79_000), ("", 18_000), ("True", 3_000)]);

/// (as written in the CSV, as parsed back). Real files never fill the
/// operation name; these exercise quoting, commas and multi-byte UTF-8.
pub const OPERATION_NAMES: [(&str, &str); 5] = [
    (
        r#""Operation ""Sceptre"", phase 2""#,
        r#"Operation "Sceptre", phase 2"#,
    ),
    ("Operation Orochi", "Operation Orochi"),
    (
        r#""Operation Trident, Lambeth""#,
        "Operation Trident, Lambeth",
    ),
    (r#""Op ""Venice""""#, r#"Op "Venice""#),
    (
        "Operation Nightsafe – Cardiff",
        "Operation Nightsafe – Cardiff",
    ),
];

pub(super) const GENDERS: Table<&str> =
    Table::new(&[("Male", 89_000), ("Female", 9_900), ("Other", 100)]);

pub(super) const AGES: Table<&str> = Table::new(&[
    ("18-24", 36_000),
    ("25-34", 29_000),
    ("over 34", 22_450),
    ("10-17", 12_500),
    ("under 10", 50),
]);

#[derive(Clone, Copy)]
pub(super) enum Group {
    White,
    Mixed,
    Asian,
    Black,
    Other,
    NotStated,
}

/// The current (2017-12 on) self-defined scheme, national-ish mix. `Arab` is
/// not in the real files here but is in the published scheme.
#[rustfmt::skip]
pub(super) const SELF_DEFINED: Table<(&str, Group)> = Table::new(&[
    (("White - English/Welsh/Scottish/Northern Irish/British", Group::White), 40_500),
    (("Other ethnic group - Not stated", Group::NotStated), 12_000),
    (("White - Any other White background", Group::White), 9_000),
    (("Black/African/Caribbean/Black British - African", Group::Black), 7_000),
    (("Black/African/Caribbean/Black British - Caribbean", Group::Black), 5_000),
    (("Black/African/Caribbean/Black British - Any other Black/African/Caribbean background", Group::Black), 4_000),
    (("Asian/Asian British - Any other Asian background", Group::Asian), 4_000),
    (("Asian/Asian British - Pakistani", Group::Asian), 3_200),
    (("Other ethnic group - Any other ethnic group", Group::Other), 2_800),
    (("Asian/Asian British - Bangladeshi", Group::Asian), 2_500),
    (("Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", Group::Mixed), 2_200),
    (("Mixed/Multiple ethnic groups - White and Black Caribbean", Group::Mixed), 1_900),
    (("Asian/Asian British - Indian", Group::Asian), 1_600),
    (("White - Irish", Group::White), 600),
    (("Mixed/Multiple ethnic groups - White and Black African", Group::Mixed), 600),
    (("Mixed/Multiple ethnic groups - White and Asian", Group::Mixed), 500),
    (("Asian/Asian British - Chinese", Group::Asian), 400),
    (("Other ethnic group - Arab", Group::Other), 300),
    (("White - Gypsy or Irish Traveller", Group::White), 100),
]);

/// Officer-defined ethnicity given the self-defined group (from the
/// cross-tabulation of the City of London and Kent files).
pub(super) fn officer_defined(group: Group) -> &'static Table<&'static str> {
    const WHITE: Table<&str> = Table::new(&[
        ("White", 9_500),
        ("Other", 300),
        ("Asian", 50),
        ("Black", 50),
        ("Mixed", 10),
    ]);
    const MIXED: Table<&str> = Table::new(&[
        ("Black", 4_300),
        ("White", 2_500),
        ("Asian", 1_200),
        ("Other", 1_200),
        ("Mixed", 800),
    ]);
    const ASIAN: Table<&str> = Table::new(&[
        ("Asian", 9_200),
        ("Other", 550),
        ("White", 150),
        ("Black", 100),
    ]);
    const BLACK: Table<&str> = Table::new(&[
        ("Black", 9_600),
        ("Other", 200),
        ("White", 120),
        ("Asian", 80),
    ]);
    const OTHER: Table<&str> = Table::new(&[
        ("Other", 3_500),
        ("Asian", 2_800),
        ("White", 2_200),
        ("Black", 1_500),
    ]);
    const UNKNOWN: Table<&str> = Table::new(&[
        ("White", 5_200),
        ("Black", 2_300),
        ("Asian", 1_700),
        ("Other", 700),
        ("Mixed", 100),
    ]);
    match group {
        Group::White => &WHITE,
        Group::Mixed => &MIXED,
        Group::Asian => &ASIAN,
        Group::Black => &BLACK,
        Group::Other => &OTHER,
        Group::NotStated => &UNKNOWN,
    }
}

pub(super) const DRUGS: &str = "Controlled drugs";
pub(super) const EVIDENCE: &str = "Evidence of offences under the Act";

/// Legislation with the objects of search recorded under it, including the
/// contradictory pairs real files show (PACE s1 or Firearms with drugs).
pub(super) type Power = (&'static str, &'static Table<&'static str>);
pub(super) const LEGISLATION: Table<Power> = Table::new(&[
    (
        (
            "Misuse of Drugs Act 1971 (section 23)",
            &Table::new(&[
                (DRUGS, 98_300),
                (EVIDENCE, 1_500),
                ("Stolen goods", 100),
                ("Offensive weapons", 100),
            ]),
        ),
        58_000,
    ),
    (
        (
            "Police and Criminal Evidence Act 1984 (section 1)",
            &Table::new(&[
                ("Article for use in theft", 31_000),
                ("Stolen goods", 26_000),
                ("Offensive weapons", 25_000),
                ("Articles for use in criminal damage", 4_000),
                (EVIDENCE, 3_000),
                (DRUGS, 3_000),
                ("Anything to threaten or harm anyone", 2_000),
                ("", 1_500),
                ("Firearms", 800),
                ("Fireworks", 600),
                ("Detailed object of search unavailable", 100),
            ]),
        ),
        37_600,
    ),
    (
        (
            "Criminal Justice and Public Order Act 1994 (section 60)",
            &Table::new(&[
                ("Offensive weapons", 9_000),
                ("Anything to threaten or harm anyone", 900),
                (EVIDENCE, 100),
            ]),
        ),
        1_700,
    ),
    (
        (
            "Firearms Act 1968 (section 47)",
            &Table::new(&[("Firearms", 9_200), (DRUGS, 800)]),
        ),
        800,
    ),
    (("", &Table::new(&[("", 9_000), (DRUGS, 1_000)])), 500),
    (
        (
            "Criminal Justice Act 1988 (section 139B)",
            &Table::new(&[("Offensive weapons", 1)]),
        ),
        500,
    ),
    (
        (
            "Psychoactive Substances Act 2016 (s36(2))",
            &Table::new(&[("Psychoactive substances", 1)]),
        ),
        150,
    ),
    (
        (
            "Police and Criminal Evidence Act 1984 (section 6)",
            &Table::new(&[("Stolen goods", 1), (DRUGS, 1)]),
        ),
        30,
    ),
    (
        (
            "Poaching Prevention Act 1862 (section 2)",
            &Table::new(&[
                ("Game or poaching equipment", 1),
                ("Article for use in theft", 1),
            ]),
        ),
        20,
    ),
    (
        (
            "Aviation Security Act 1982 (section 27(1))",
            &Table::new(&[("Stolen goods", 1), (DRUGS, 1)]),
        ),
        10,
    ),
    (
        (
            "Psychoactive Substances Act 2016 (s37(2))",
            &Table::new(&[("Psychoactive substances", 1)]),
        ),
        10,
    ),
    (
        (
            "Wildlife and Countryside Act 1981 (section 19)",
            &Table::new(&[(EVIDENCE, 1)]),
        ),
        10,
    ),
    // The space before the bracket is in the published vocabulary.
    (
        (
            "Environmental Protection Act 1990 (section 34B )",
            &Table::new(&[(EVIDENCE, 1)]),
        ),
        10,
    ),
]);

pub(super) const NO_FURTHER_ACTION: &str = "A no further action disposal";
pub(super) const OUTCOMES_DRUGS: Table<&str> = Table::new(&[
    (NO_FURTHER_ACTION, 63_000),
    ("Arrest", 14_000),
    ("Khat or Cannabis warning", 10_000),
    ("Community resolution", 5_500),
    ("Summons / charged by post", 2_500),
    ("Penalty Notice for Disorder", 2_000),
    ("", 1_200),
    ("Caution (simple or conditional)", 600),
]);
pub(super) const OUTCOMES_OTHER: Table<&str> = Table::new(&[
    (NO_FURTHER_ACTION, 76_000),
    ("Arrest", 19_000),
    ("Community resolution", 1_200),
    ("Summons / charged by post", 1_500),
    ("", 1_200),
    ("Penalty Notice for Disorder", 400),
    ("Caution (simple or conditional)", 300),
]);

pub(super) const REMOVAL: Table<&str> =
    Table::new(&[("", 80_000), ("False", 19_000), ("True", 1_000)]);

/// (name, latitude, longitude, spread), in micro-degrees.
pub(super) type Town = (&'static str, i32, i32, i32);

/// Town centres in micro-degrees with a weight (London stands for the Met's
/// share of searches) and a spread for the anonymised snap points.
pub(super) const TOWNS: Table<Town> = Table::new(&[
    (("London", 51_507_400, -127_800, 150_000), 35),
    (("Liverpool", 53_408_400, -2_991_600, 50_000), 8),
    (("Birmingham", 52_486_200, -1_890_400, 50_000), 6),
    (("Manchester", 53_480_800, -2_242_600, 50_000), 6),
    (("Leeds", 53_800_800, -1_549_100, 50_000), 4),
    (("Sheffield", 53_381_100, -1_470_100, 40_000), 3),
    (("Bristol", 51_454_500, -2_587_900, 40_000), 2),
    (("Newcastle", 54_978_300, -1_617_800, 40_000), 2),
    (("Nottingham", 52_954_800, -1_158_100, 40_000), 2),
    (("Leicester", 52_636_900, -1_139_800, 40_000), 2),
    (("Cardiff", 51_481_600, -3_179_100, 40_000), 2),
    (("Southampton", 50_909_700, -1_404_400, 40_000), 2),
    (("Chelmsford", 51_735_600, 469_000, 40_000), 2),
    (("Preston", 53_763_200, -2_703_100, 40_000), 2),
    (("Bradford", 53_795_900, -1_759_300, 40_000), 2),
    (("Swansea", 51_621_400, -3_943_600, 30_000), 1),
    (("Brighton", 50_822_500, -137_200, 30_000), 1),
    (("Norwich", 52_630_900, 1_297_400, 30_000), 1),
    (("Canterbury", 51_280_200, 1_078_900, 30_000), 1),
    (("Maidstone", 51_270_400, 522_700, 30_000), 1),
    (("Luton", 51_878_700, -420_000, 30_000), 1),
    (("Reading", 51_454_300, -978_100, 30_000), 1),
    (("Oxford", 51_752_000, -1_257_700, 30_000), 1),
    (("Cambridge", 52_205_300, 121_800, 30_000), 1),
    (("Plymouth", 50_375_500, -4_142_700, 30_000), 1),
    (("Exeter", 50_718_400, -3_533_900, 30_000), 1),
    (("Hull", 53_767_600, -327_400, 30_000), 1),
    (("York", 53_959_000, -1_081_500, 30_000), 1),
    (("Middlesbrough", 54_574_200, -1_234_900, 30_000), 1),
    (("Stoke-on-Trent", 53_002_700, -2_179_400, 30_000), 1),
    (("Coventry", 52_406_800, -1_519_700, 30_000), 1),
    (("Derby", 52_921_900, -1_475_600, 30_000), 1),
    (("Wolverhampton", 52_586_200, -2_128_800, 30_000), 1),
    (("Carlisle", 54_892_500, -2_932_900, 30_000), 1),
    (("Lincoln", 53_234_400, -538_000, 30_000), 1),
    (("Ipswich", 52_056_700, 1_148_200, 30_000), 1),
    (("Bournemouth", 50_719_200, -1_880_800, 30_000), 1),
    (("Gloucester", 51_864_200, -2_238_200, 30_000), 1),
    (("Northampton", 52_240_600, -902_700, 30_000), 1),
    (("Wrexham", 53_046_000, -2_993_000, 30_000), 1),
]);
/// Real coordinates are snapped to a fixed set of anonymous points, so the
/// same point recurs; these many per town.
pub(super) const SNAP_POINTS: u64 = 500;
/// Some Kent rows carry Northern Ireland coordinates.
pub(super) const BELFAST: Town = ("Belfast", 54_597_300, -5_930_100, 30_000);

/// Local hour-of-day weights from the Met 2016-06 file, shifted from UTC.
#[rustfmt::skip]
pub(super) const HOURS: Table<u32> = Table::new(&[
    (0, 495), (1, 338), (2, 282), (3, 221), (4, 135), (5, 64), (6, 59), (7, 46),
    (8, 99), (9, 147), (10, 245), (11, 354), (12, 494), (13, 508), (14, 585), (15, 760),
    (16, 940), (17, 938), (18, 693), (19, 651), (20, 661), (21, 634), (22, 446), (23, 647),
]);
