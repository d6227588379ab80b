//! National identifiers: tax, health, social-insurance and identity numbers of the US and of other
//! countries, each with its own check digits.
//!
//! Every format here is a short fixed layout (`AA 99 99 99 A`, `999.999.999-99`) ending in a check
//! digit or letter computed by the issuer's algorithm (Luhn, Verhoeff, mod 11, mod 97, ISO 7064...).
//! The facts and sources are in `shared/reference/catalog.md`; the algorithms follow the issuers'
//! specifications as implemented by python-stdnum.
//!
//! Detection starts where all numbers start, at a digit run found by the bitmask pass: a layout is
//! tried only when its first digit group has the run's length, so the cost on a log full of numbers is
//! a table lookup per run. A layout that a random number passes too often (nine digits and a Luhn
//! digit) fires only after one of its rule's keywords, like a bare SSN; a distinctive layout (a
//! punctuated CPF, a NINO's letters, a codice fiscale) fires alone once its check passes.

use super::keywords::{Gates, KeywordIndex};
use super::{Candidates, word_after, word_before};
use crate::findings::RuleId;

/// The formats a rule can name with `detector = "..."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdFormat {
    UsItin,
    UsPassport,
    /// Other countries' passport numbers, in the layouts of their books (ICAO 9303 allows up to
    /// nine characters of letters and digits).
    Passport,
    UsMbi,
    UsDriverLicense,
    UkNino,
    UkNhs,
    CaSin,
    InAadhaar,
    InPan,
    BrCpf,
    BrCnpj,
    EsDni,
    EsNie,
    ItCodiceFiscale,
    PlPesel,
    FrNir,
    DeSteuerId,
    NlBsn,
    AuTfn,
    AuAbn,
    AuMedicare,
    SgNric,
    KrRrn,
    CnResidentId,
    MxCurp,
    MxRfc,
    SePersonnummer,
    ZaId,
    ChAhv,
    TrKimlik,
    DkCpr,
    FiHetu,
    NoFodselsnummer,
    ClRut,
    ArCuit,
    JpMyNumber,
    BeNn,
    /// Australian company numbers (ASIC: nine digits, the last a weighted check).
    AuAcn,
    /// Thai national identification numbers (13 digits, mod 11).
    ThTnin,
    /// US DEA registration numbers (two letters, or a letter and 9, and seven digits with a check).
    UsDea,
    /// India's voter identity cards (EPIC: three letters, seven digits).
    InVoter,
    /// India's vehicle registration marks (`KA 53 ME 3456`: a state's code, a district, a series,
    /// four digits).
    InVehicle,
    /// Italian driving licences (`AA0123456B`, and the `U1` series since 2013).
    ItDriverLicense,
    /// Italian identity cards (paper `AA1234567`, electronic `CA12345AA` and `1234567AA`).
    ItIdentityCard,
    /// Italian VAT numbers (partita IVA: eleven digits, an office code and a Luhn digit).
    ItVat,
    /// UK driving licence numbers (DVLA: surname, the birth date coded, initials, two check
    /// characters).
    UkDrivingLicence,
    /// UK Unique Taxpayer References (HMRC: ten digits, the first a weighted check).
    UkUtr,
    /// Mexican CLABE bank account numbers (18 digits: bank, branch, account, a weighted check).
    MxClabe,
    /// Argentine CBU and CVU bank account codes (22 digits in two blocks, each with its check).
    ArCbu,
    /// Mobile equipment identities (IMEI, 3GPP TS 23.003: 14 digits and a Luhn digit).
    Imei,
    /// German passport and identity card numbers (nine characters of the Bundesdruckerei's
    /// alphabet, digits and the consonants C F G H J K L M N P R T V W X Y Z; the machine-readable
    /// zone adds an ICAO 9303 check digit).
    DeIdDocument,
    /// German health insurance numbers (Krankenversichertennummer: a letter and nine digits, the
    /// last a check over the letter's number and the eight before it).
    DeKvnr,
    /// German pension insurance numbers (Rentenversicherungsnummer, the social insurance number:
    /// an area, the birth date, the surname's initial, a serial and a check digit).
    DeSvnr,
    /// US National Provider Identifiers (CMS: ten digits, a Luhn digit over `80840` and the nine
    /// before it).
    UsNpi,
    /// India's GST identification numbers (GSTIN: a state code, the holder's PAN, an entity
    /// number, `Z` and a mod-36 check character).
    InGstin,
    /// South Korean driving licence numbers (a region code 11-28, the year, a serial, a check
    /// digit and a reissue count: `13-22-123456-12`).
    KrDriverLicense,
    /// Other countries' driving licences, as their licensing offices print the number: France's
    /// twelve digits or `12AB34567`, the Netherlands' and Belgium's ten, Germany's eleven
    /// characters (`B072RRE2I55`), Poland's `12345/67/8901`, Ontario's `A1234-56789-01234`,
    /// Quebec's `A1234-123456-12`, Alberta's `123456-789`, eight to ten digits in Australia's
    /// states, Denmark and Austria. No check digit: after a licence keyword only.
    DriverLicense,
    /// Not an identifier either: a payment card's expiry month (`12/28`, `12/2028`), cardholder
    /// data that PCI DSS protects with the number, after an expiry keyword.
    CardExpiry,
    /// US Medicare health insurance claim numbers (HICN, before the MBI: the holder's SSN and a
    /// beneficiary code, `123-45-6789A`, `123456789B1`).
    UsHicn,
    /// European Health Insurance Card numbers (the card's twenty-digit identification number).
    EuEhic,
    /// Spanish social security numbers (NUSS: a province, eight digits, a mod-97 check).
    EsNuss,
    /// French tax numbers (numéro fiscal, SPI: thirteen digits from 0-3, the last three the first
    /// ten mod 511).
    FrSpi,
    /// German tax numbers as the states' tax offices issue them (Steuernummer: `93815/08152`,
    /// `181/815/08155`, `133/8150/8159`).
    DeSteuernummer,
    /// Brazilian postal codes (CEP: eight digits, `01310-100`), which name a street or a building
    /// in Brazil's cities: an address, after a CEP keyword.
    BrCep,
    /// Nigeria's Bank Verification Numbers (BVN: eleven digits, no check digit), which payment
    /// providers there ask for and log, after a BVN keyword.
    NgBvn,
    /// Nigeria's National Identification Numbers (NIMC's NIN: eleven digits, no published check),
    /// after a NIN keyword.
    NgNin,
    /// Indonesia's population registration numbers (NIK, on the KTP card: a region, the birth date
    /// with 40 added to a woman's day, a serial), after a NIK or KTP keyword.
    IdNik,
    /// Pakistan's computerised national identity cards (CNIC: `35202-1234567-1`, the first digit a
    /// province, the last the holder's sex; no check digit).
    PkCnic,
    /// The United Arab Emirates' identity numbers (Emirates ID: `784-1968-6570305-0`, the country
    /// code, the birth year, a serial and a Luhn digit).
    AeEmiratesId,
    /// Malaysia's identity card numbers (MyKad NRIC: `770812-14-5027`, the birth date, a place of
    /// birth code, a serial; no check digit), after a keyword.
    MyMykad,
    /// Hong Kong identity card numbers (HKID: one or two letters, six digits and a mod-11 check
    /// character, printed in parentheses: `A123456(3)`).
    HkHkid,
    /// Not an identifier, but the same kind of thing to find: a fixed layout (a date) that only
    /// a keyword (`dob`, `date of birth`) makes personal.
    DateOfBirth,
    /// Phone numbers in national layouts (with the trunk `0`, or an area code in parentheses) after
    /// a phone keyword: UK, France, Germany, Brazil, Australia, India and the like.
    PhoneNational,
    /// Phone numbers of countries that dial without a trunk prefix (Spain, Poland, Portugal, Italy's
    /// mobiles, China, Mexico, Singapore, Colombia, Chile, Denmark, Norway) and Russia's `8`, after
    /// a keyword that names a phone and nothing else.
    PhoneNationalBare,
    /// Not an identifier either: a one-time code in a message (`Your verification code is
    /// 482913`), six to eight digits after a code keyword.
    OneTimeCode,
}

/// One way a format is written: a pattern, and whether it fires without a keyword (the layout and
/// its check are distinctive enough). In the pattern, `d` is a digit, `A` an upper-case letter, `a` a
/// lower-case one (checked as its capital), `x` a digit or a capital, `K` a digit or `X` (a check
/// character), `k` a digit or `K` in either case (Chile's check character); every other byte
/// stands for itself.
type Layout = (&'static str, bool);

const ALONE: bool = true;
const KEYWORD: bool = false;

impl IdFormat {
    pub(crate) const ALL: &'static [(&'static str, IdFormat)] = &[
        ("us_itin", IdFormat::UsItin),
        ("us_passport", IdFormat::UsPassport),
        ("passport", IdFormat::Passport),
        ("us_mbi", IdFormat::UsMbi),
        ("us_driver_license", IdFormat::UsDriverLicense),
        ("uk_nino", IdFormat::UkNino),
        ("uk_nhs", IdFormat::UkNhs),
        ("ca_sin", IdFormat::CaSin),
        ("in_aadhaar", IdFormat::InAadhaar),
        ("in_pan", IdFormat::InPan),
        ("br_cpf", IdFormat::BrCpf),
        ("br_cnpj", IdFormat::BrCnpj),
        ("es_dni", IdFormat::EsDni),
        ("es_nie", IdFormat::EsNie),
        ("it_codice_fiscale", IdFormat::ItCodiceFiscale),
        ("pl_pesel", IdFormat::PlPesel),
        ("fr_nir", IdFormat::FrNir),
        ("de_steuer_id", IdFormat::DeSteuerId),
        ("nl_bsn", IdFormat::NlBsn),
        ("au_tfn", IdFormat::AuTfn),
        ("au_abn", IdFormat::AuAbn),
        ("au_medicare", IdFormat::AuMedicare),
        ("sg_nric", IdFormat::SgNric),
        ("kr_rrn", IdFormat::KrRrn),
        ("cn_resident_id", IdFormat::CnResidentId),
        ("mx_curp", IdFormat::MxCurp),
        ("mx_rfc", IdFormat::MxRfc),
        ("se_personnummer", IdFormat::SePersonnummer),
        ("za_id", IdFormat::ZaId),
        ("ch_ahv", IdFormat::ChAhv),
        ("tr_kimlik", IdFormat::TrKimlik),
        ("dk_cpr", IdFormat::DkCpr),
        ("fi_hetu", IdFormat::FiHetu),
        ("no_fodselsnummer", IdFormat::NoFodselsnummer),
        ("cl_rut", IdFormat::ClRut),
        ("ar_cuit", IdFormat::ArCuit),
        ("jp_my_number", IdFormat::JpMyNumber),
        ("be_nn", IdFormat::BeNn),
        ("au_acn", IdFormat::AuAcn),
        ("th_tnin", IdFormat::ThTnin),
        ("us_dea", IdFormat::UsDea),
        ("in_voter", IdFormat::InVoter),
        ("in_vehicle", IdFormat::InVehicle),
        ("it_driver_license", IdFormat::ItDriverLicense),
        ("it_identity_card", IdFormat::ItIdentityCard),
        ("it_vat", IdFormat::ItVat),
        ("uk_driving_licence", IdFormat::UkDrivingLicence),
        ("uk_utr", IdFormat::UkUtr),
        ("mx_clabe", IdFormat::MxClabe),
        ("ar_cbu", IdFormat::ArCbu),
        ("imei", IdFormat::Imei),
        ("de_id_document", IdFormat::DeIdDocument),
        ("de_kvnr", IdFormat::DeKvnr),
        ("de_svnr", IdFormat::DeSvnr),
        ("us_npi", IdFormat::UsNpi),
        ("in_gstin", IdFormat::InGstin),
        ("kr_driver_license", IdFormat::KrDriverLicense),
        ("driver_license", IdFormat::DriverLicense),
        ("card_expiry", IdFormat::CardExpiry),
        ("us_hicn", IdFormat::UsHicn),
        ("eu_ehic", IdFormat::EuEhic),
        ("es_nuss", IdFormat::EsNuss),
        ("fr_spi", IdFormat::FrSpi),
        ("de_steuernummer", IdFormat::DeSteuernummer),
        ("br_cep", IdFormat::BrCep),
        ("ng_bvn", IdFormat::NgBvn),
        ("ng_nin", IdFormat::NgNin),
        ("id_nik", IdFormat::IdNik),
        ("pk_cnic", IdFormat::PkCnic),
        ("ae_emirates_id", IdFormat::AeEmiratesId),
        ("my_mykad", IdFormat::MyMykad),
        ("hk_hkid", IdFormat::HkHkid),
        ("date_of_birth", IdFormat::DateOfBirth),
        ("phone_national", IdFormat::PhoneNational),
        ("phone_national_bare", IdFormat::PhoneNationalBare),
        ("one_time_code", IdFormat::OneTimeCode),
    ];

    /// Whether the format ends in a check digit or character (a random number passes one in ten
    /// or fewer); dates, phone numbers, CPR numbers since 2007, US passports, MBIs and RFCs as
    /// checked here do not.
    fn checked(self) -> bool {
        !matches!(
            self,
            IdFormat::DateOfBirth
                | IdFormat::PhoneNational
                | IdFormat::PhoneNationalBare
                | IdFormat::OneTimeCode
                | IdFormat::DkCpr
                | IdFormat::UsPassport
                | IdFormat::Passport
                | IdFormat::UsDriverLicense
                | IdFormat::UsMbi
                | IdFormat::MxRfc
                | IdFormat::InVoter
                | IdFormat::InVehicle
                | IdFormat::ItDriverLicense
                | IdFormat::ItIdentityCard
                | IdFormat::DeIdDocument
                | IdFormat::DeKvnr
                | IdFormat::KrDriverLicense
                | IdFormat::DriverLicense
                | IdFormat::CardExpiry
                | IdFormat::UsHicn
                | IdFormat::EuEhic
                | IdFormat::DeSteuernummer
                | IdFormat::BrCep
                | IdFormat::NgBvn
                | IdFormat::NgNin
                | IdFormat::IdNik
                | IdFormat::PkCnic
                | IdFormat::MyMykad
        )
    }

    /// How many of its layouts stand alone (need no keyword), and how many it has: the pack says
    /// from these whether the rule needs a keyword.
    pub(crate) fn layouts_alone(self) -> (usize, usize) {
        let layouts = self.layouts();
        (layouts.iter().filter(|(_, a)| *a).count(), layouts.len())
    }

    /// How the format is written in logs, most specific first.
    fn layouts(self) -> &'static [Layout] {
        match self {
            // `9XX-7X-XXXX`: the dashed or spaced layout is the ITIN's own; bare nine digits are
            // anything.
            IdFormat::UsItin => &[
                ("ddd-dd-dddd", ALONE),
                ("ddd dd dddd", ALONE),
                ("ddddddddd", KEYWORD),
            ],
            IdFormat::UsPassport => &[("ddddddddd", KEYWORD), ("Adddddddd", KEYWORD)],
            // India (J8369854), Canada (AB123456), Italy and Australia (YA1234567, PA1234567),
            // Spain (XDA123456), France (12AB34567), ICAO's specimen (L898902C3), Germany's
            // digits-only books (L12345678; those with letters inside, C01X00T47, are not here).
            IdFormat::Passport => &[
                ("Addddddd", KEYWORD),
                ("Adddddddd", KEYWORD),
                ("AAdddddd", KEYWORD),
                ("AAddddddd", KEYWORD),
                ("AAAdddddd", KEYWORD),
                ("ddAAddddd", KEYWORD),
                ("AddddddAd", KEYWORD),
                // South Korea's since 2021 (`M123A4567`).
                ("AdddAdddd", KEYWORD),
            ],
            // CMS's dashed print form, with its letters in their places and none of S, L, O, I, B
            // and Z, stands alone.
            IdFormat::UsMbi => &[("dAxd-Axd-AAdd", ALONE), ("dAxdAxdAAdd", KEYWORD)],
            // Each state has its own: a letter and 6 to 12 digits (California's A1234567,
            // Florida's, Maryland's, Michigan's and Minnesota's letter and 12, Illinois' and
            // Florida's printed with dashes), or 7 to 9 digits (Alabama, Texas, New York); no
            // check digit (the AAMVA list, as presidio's recognizer reads it). Longer runs of
            // digits alone are epochs and ids more often than licences, even after the keyword.
            IdFormat::UsDriverLicense => &[
                ("Adddddd", KEYWORD),
                ("Addddddd", KEYWORD),
                ("Adddddddd", KEYWORD),
                ("Addddddddd", KEYWORD),
                ("Adddddddddd", KEYWORD),
                ("Addddddddddd", KEYWORD),
                ("Adddddddddddd", KEYWORD),
                ("Addd-dddd-dddd", KEYWORD),
                ("Addd-ddd-dd-ddd-d", KEYWORD),
                ("A-ddd-ddd-ddd-ddd", KEYWORD),
                ("ddddddd", KEYWORD),
                ("dddddddd", KEYWORD),
                ("ddddddddd", KEYWORD),
            ],
            IdFormat::UkNino => &[
                ("AAddddddA", ALONE),
                ("AA dd dd dd A", ALONE),
                ("AA-dd-dd-dd-A", ALONE),
                // The digits in one group after the prefix (`PR 123612C`), as some forms print it.
                ("AA dddddd A", KEYWORD),
                ("AA ddddddA", KEYWORD),
                ("AAdddddd", KEYWORD),
                ("AA dd dd dd", KEYWORD),
                // Written in lower case (`nino=ab123456c`): after a keyword, as a lower-case
                // word with digits is otherwise anything.
                ("aadddddda", KEYWORD),
                ("aa dd dd dd a", KEYWORD),
                ("aadddddd", KEYWORD),
            ],
            IdFormat::UkNhs => &[
                ("ddd ddd dddd", KEYWORD),
                ("ddd-ddd-dddd", KEYWORD),
                ("dddddddddd", KEYWORD),
            ],
            IdFormat::CaSin => &[
                ("ddd ddd ddd", KEYWORD),
                ("ddd-ddd-ddd", KEYWORD),
                ("ddddddddd", KEYWORD),
            ],
            IdFormat::InAadhaar => &[
                ("dddd dddd dddd", KEYWORD),
                ("dddd-dddd-dddd", KEYWORD),
                ("dddd:dddd:dddd", KEYWORD),
                ("dddddddddddd", KEYWORD),
            ],
            IdFormat::InPan => &[("AAAAAddddA", KEYWORD)],
            IdFormat::BrCpf => &[("ddd.ddd.ddd-dd", ALONE), ("ddddddddddd", KEYWORD)],
            IdFormat::BrCnpj => &[
                ("dd.ddd.ddd/dddd-dd", ALONE),
                ("dddddddddddddd", KEYWORD),
                // From July 2026 the root may hold letters (IN RFB 2.229/2024); entered at the
                // establishment number, the first group that is always digits.
                ("xx.xxx.xxx/dddd-dd", ALONE),
            ],
            // The dashed form and its mod-23 letter stand alone; eight digits and a letter glued
            // are also a compact date and a zone (`20231107Z`).
            IdFormat::EsDni => &[("ddddddddA", KEYWORD), ("dddddddd-A", ALONE)],
            IdFormat::EsNie => &[
                ("AdddddddA", ALONE),
                ("A-ddddddd-A", ALONE),
                ("Addddddd-A", ALONE),
            ],
            IdFormat::ItCodiceFiscale => &[("AAAAAAddAddAdddA", ALONE)],
            IdFormat::PlPesel => &[("ddddddddddd", KEYWORD)],
            IdFormat::FrNir => &[
                ("d dd dd xx ddd ddd dd", ALONE),
                ("dddddxxdddddddd", KEYWORD),
            ],
            // Spaced as the BZSt prints it, the check and the rule that one digit repeats (a random
            // number passes about one time in five hundred) stand alone; eleven digits whole are
            // phone numbers and ids as often.
            IdFormat::DeSteuerId => &[("dd ddd ddd ddd", ALONE), ("ddddddddddd", KEYWORD)],
            IdFormat::NlBsn => &[("ddddddddd", KEYWORD), ("dddd.dd.ddd", KEYWORD)],
            IdFormat::AuTfn => &[("ddd ddd ddd", KEYWORD), ("ddddddddd", KEYWORD)],
            // Spaced as the ABR prints it, the mod-89 check (one in 89) stands alone.
            IdFormat::AuAbn => &[("dd ddd ddd ddd", ALONE), ("ddddddddddd", KEYWORD)],
            // The card's grouping (4-5-1, and the person's number after a dash) with its check and
            // first digit stands alone; ten or eleven digits whole need the keyword.
            IdFormat::AuMedicare => &[
                ("dddd ddddd d", ALONE),
                ("dddd ddddd d-d", ALONE),
                ("dddddddddd", KEYWORD),
                ("ddddddddddd", KEYWORD),
            ],
            IdFormat::SgNric => &[("AdddddddA", ALONE)],
            // Numbers issued since October 2020 end in six random digits, no check digit: after
            // its keyword a number counts by its date and its sex-and-century digit.
            IdFormat::KrRrn => &[
                ("dddddd-ddddddd", ALONE),
                ("dddddd-ddddddd", KEYWORD),
                ("ddddddddddddd", KEYWORD),
            ],
            IdFormat::CnResidentId => &[("dddddddddddddddddK", ALONE)],
            IdFormat::MxCurp => &[("AAAAddddddAAAAAAxd", ALONE)],
            IdFormat::MxRfc => &[("AAAAddddddxxx", KEYWORD), ("AAAddddddxxx", KEYWORD)],
            // YYMMDD-NNNC (`+` from the year one turns 100), or with the century, Luhn.
            IdFormat::SePersonnummer => &[
                ("dddddd-dddd", KEYWORD),
                ("dddddd+dddd", KEYWORD),
                ("dddddddd-dddd", KEYWORD),
                ("dddddddddddd", KEYWORD),
                ("dddddddddd", KEYWORD),
            ],
            // YYMMDD SSSS C A Z: date, citizenship 0 or 1, Luhn.
            IdFormat::ZaId => &[("ddddddddddddd", KEYWORD), ("dddddd ddddddd", KEYWORD)],
            // 756.XXXX.XXXX.XC, EAN-13: the dotted print form stands alone.
            IdFormat::ChAhv => &[("ddd.dddd.dddd.dd", ALONE), ("ddddddddddddd", KEYWORD)],
            IdFormat::TrKimlik => &[("ddddddddddd", KEYWORD)],
            // DDMMYY-SSSS: no check digit since 2007, so only the date and a keyword.
            IdFormat::DkCpr => &[("dddddd-dddd", KEYWORD), ("dddddddddd", KEYWORD)],
            // DDMMYY, the century sign (`+`, `-`, A-F, U-Y), three digits, a mod-31 character.
            IdFormat::FiHetu => &[
                ("dddddd-dddx", KEYWORD),
                ("dddddd+dddx", KEYWORD),
                // The century letters of 2023 (A-F, U-Y) with the date and the mod-31 character
                // stand alone: no other number is written so.
                ("ddddddAdddx", ALONE),
            ],
            // DDMMYY III KK: two mod-11 check digits.
            IdFormat::NoFodselsnummer => &[("ddddddddddd", KEYWORD), ("dddddd ddddd", KEYWORD)],
            // The dotted print form with its mod-11 character (a digit or K) stands alone.
            IdFormat::ClRut => &[
                ("dd.ddd.ddd-k", ALONE),
                ("d.ddd.ddd-k", ALONE),
                ("dddddddd-k", KEYWORD),
                ("ddddddd-k", KEYWORD),
            ],
            // TT-NNNNNNNN-C: type, number, mod 11; the dashed form stands alone.
            IdFormat::ArCuit => &[("dd-dddddddd-d", ALONE), ("ddddddddddd", KEYWORD)],
            IdFormat::JpMyNumber => &[
                ("dddd dddd dddd", KEYWORD),
                ("dddd-dddd-dddd", KEYWORD),
                ("dddddddddddd", KEYWORD),
            ],
            // Nine digits and ASIC's weighted check, after a keyword in either form.
            IdFormat::AuAcn => &[("ddd ddd ddd", KEYWORD), ("ddddddddd", KEYWORD)],
            // Written whole, or grouped as the card prints it (1-2345-67890-12-1): grouped, the
            // layout and its check stand alone.
            IdFormat::ThTnin => &[
                ("d-dddd-ddddd-dd-d", ALONE),
                ("d dddd ddddd dd d", KEYWORD),
                ("ddddddddddddd", KEYWORD),
            ],
            // A registrant type and the registrant's initial (or 9 for a business), six digits
            // and a check digit.
            IdFormat::UsDea => &[("AAddddddd", KEYWORD), ("Adddddddd", KEYWORD)],
            // No check digit: the keyword (and a placeholder's repeated digit) decide.
            IdFormat::InVoter => &[("AAAddddddd", KEYWORD)],
            // A state's code (checked), a district, a series of one to three letters, four digits,
            // written glued, spaced or dashed.
            IdFormat::InVehicle => &[
                ("AAddAAdddd", KEYWORD),
                ("AAddAdddd", KEYWORD),
                ("AAddAAAdddd", KEYWORD),
                ("AA dd AA dddd", KEYWORD),
                ("AA dd A dddd", KEYWORD),
                ("AA-dd-AA-dddd", KEYWORD),
                ("AA-dd-A-dddd", KEYWORD),
            ],
            IdFormat::ItDriverLicense => &[("AAdddddddA", KEYWORD), ("AdAxxxxxxA", KEYWORD)],
            IdFormat::ItIdentityCard => &[
                ("AAddddddd", KEYWORD),
                ("AAdddddAA", KEYWORD),
                ("dddddddAA", KEYWORD),
            ],
            // Eleven digits, alone or after the `IT` of the EU VAT number.
            // (`AA`: a layout's own letters would file it with the runs that start a word; the
            // check asks for `IT`.)
            IdFormat::ItVat => &[("ddddddddddd", KEYWORD), ("AAddddddddddd", KEYWORD)],
            // Five characters of the surname (padded with 9: `LEE99`), the birth decade, month
            // (plus 50 for a woman), day and year, two initials (9 for none), a digit and two
            // check characters: sixteen characters in that order, with a date that holds, are
            // distinctive alone (presidio's tests write them bare: `SMIT9801015JK2CD`).
            IdFormat::UkDrivingLicence => &[
                ("AAAAAddddddxxdAA", ALONE),
                ("AAAAdddddddxxdAA", ALONE),
                ("AAAddddddddxxdAA", ALONE),
                ("AAdddddddddxxdAA", ALONE),
            ],
            // Ten digits, written whole or as HMRC's letters group them (`12345 67890`).
            IdFormat::UkUtr => &[("dddddddddd", KEYWORD), ("ddddd ddddd", KEYWORD)],
            // Banxico's CLABE: bank (3), branch plaza (3), account (11), check; written whole or
            // in those groups.
            IdFormat::MxClabe => &[
                ("dddddddddddddddddd", KEYWORD),
                ("ddd ddd ddddddddddd d", KEYWORD),
            ],
            // The type allocation code (8), the serial (6) and the Luhn digit, written whole or as
            // GSMA prints it (`35-209900-176148-1`, distinctive alone).
            IdFormat::Imei => &[
                ("ddddddddddddddd", KEYWORD),
                ("dd-dddddd-dddddd-d", ALONE),
                ("dd dddddd dddddd d", KEYWORD),
            ],
            // Nine characters, the first a letter (the issuing office's code starts with one),
            // entered from the first digit run, which starts within the office's code:
            // `C01X00T47`, `CF0HK0K08`, `T22000129`; with the zone's check digit after them as a
            // tenth. No check digit of their own: after a keyword only. (Each layout here is
            // tried on the digit runs inside random ids, `evt_6uFtiZ…`: one per start position
            // cost 0.5% of a log's scan, these six about 0.1%.)
            IdFormat::DeIdDocument => &[
                ("Adxxxxxxx", KEYWORD),
                ("AAdxxxxxx", KEYWORD),
                ("AAAdxxxxx", KEYWORD),
                ("Adxxxxxxxd", KEYWORD),
                ("AAdxxxxxxd", KEYWORD),
                ("AAAdxxxxxd", KEYWORD),
            ],
            // The insurer's card prints it whole (`A123456780`); some forms group the digits.
            IdFormat::DeKvnr => &[("Addddddddd", KEYWORD), ("A ddd ddd ddd", KEYWORD)],
            // Area (2), birth date DDMMYY, the initial, serial (2), check: whole or as the
            // insurance card groups it (`12 150485 M 004`); the letter amid a date that holds and
            // the check digit make both distinctive alone.
            IdFormat::DeSvnr => &[("ddddddddAddd", ALONE), ("dd dddddd A ddd", ALONE)],
            // Fifteen characters in a layout of their own: with the check character alone; after a
            // keyword as written (a number typed with a wrong check is still the holder's PAN).
            IdFormat::InGstin => &[("ddAAAAAddddAxZx", ALONE), ("ddAAAAAddddAxZx", KEYWORD)],
            // Dashed 2-2-6-2 as the licence prints it (region, year, serial, a check digit and a
            // reissue count), with a region code that exists; the check is not computed here.
            IdFormat::KrDriverLicense => &[("dd-dd-dddddd-dd", ALONE)],
            // Most specific first; the digits-only layouts also cover Australia's states (eight
            // to ten), Denmark and Austria (eight), Belgium and the Netherlands (ten), France
            // (twelve). Shorter runs of digits after `licence` are counts and versions as often.
            IdFormat::DriverLicense => &[
                ("Adddd-ddddd-ddddd", KEYWORD),
                ("Adddd-dddddd-dd", KEYWORD),
                ("ddddd/dd/dddd", KEYWORD),
                ("dddddd-ddd", KEYWORD),
                ("Adddxxxxxxx", KEYWORD),
                ("ddAAddddd", KEYWORD),
                ("dddddddd", KEYWORD),
                ("ddddddddd", KEYWORD),
                ("dddddddddd", KEYWORD),
                ("dddddddddddd", KEYWORD),
            ],
            // The SSN whole or dashed, and the beneficiary identification code after it (a letter
            // and maybe a digit), glued or after a dash.
            IdFormat::UsHicn => &[
                ("dddddddddA", KEYWORD),
                ("dddddddddAd", KEYWORD),
                ("ddd-dd-ddddA", KEYWORD),
                ("ddd-dd-ddddAd", KEYWORD),
                ("ddd-dd-dddd-A", KEYWORD),
                ("ddd-dd-dddd-Ad", KEYWORD),
            ],
            IdFormat::EuEhic => &[("dddddddddddddddddddd", KEYWORD)],
            // Province (2), number (8), check (2): whole, or grouped as the card prints it.
            IdFormat::EsNuss => &[
                ("dddddddddddd", KEYWORD),
                ("dd dddddddd dd", KEYWORD),
                ("dd/dddddddd/dd", KEYWORD),
                ("dd-dddddddd-dd", KEYWORD),
            ],
            // Whole, or as the tax notice prints it (`30 23 217 600 053`).
            IdFormat::FrSpi => &[("ddddddddddddd", KEYWORD), ("dd dd ddd ddd ddd", KEYWORD)],
            // The states' layouts, with the tax office's number first: Baden-Württemberg, Berlin,
            // Hamburg, Niedersachsen, Bremen and Schleswig-Holstein (`93815/08152`), Bavaria,
            // Brandenburg, Saxony and the others (`181/815/08155`), North Rhine-Westphalia
            // (`133/8150/8159`), Hesse (`013 815 08153` as `13/815/08153`).
            IdFormat::DeSteuernummer => &[
                ("ddddd/ddddd", KEYWORD),
                ("ddd/ddd/ddddd", KEYWORD),
                ("ddd/dddd/dddd", KEYWORD),
                ("dd/ddd/ddddd", KEYWORD),
            ],
            IdFormat::BrCep => &[("ddddd-ddd", KEYWORD), ("dddddddd", KEYWORD)],
            IdFormat::NgBvn | IdFormat::NgNin => &[("ddddddddddd", KEYWORD)],
            IdFormat::IdNik => &[("dddddddddddddddd", KEYWORD)],
            // NADRA's print form, a province first, stands alone; thirteen digits whole are
            // epochs in milliseconds as often.
            IdFormat::PkCnic => &[("ddddd-ddddddd-d", ALONE), ("ddddddddddddd", KEYWORD)],
            // The card's print form with the country code and the Luhn digit stands alone.
            IdFormat::AeEmiratesId => {
                &[("ddd-dddd-ddddddd-d", ALONE), ("ddddddddddddddd", KEYWORD)]
            }
            // After a keyword only, dashed as the card prints it or whole: a date and a place of
            // birth code that exists hold for a third of date-stamped ids (`241203-01-0042`, a
            // release or a snapshot), so the print form does not stand alone.
            IdFormat::MyMykad => &[("dddddd-dd-dddd", KEYWORD), ("dddddddddddd", KEYWORD)],
            // As the card prints it, the check in parentheses; glued after a keyword.
            IdFormat::HkHkid => &[
                ("Adddddd(x)", ALONE),
                ("AAdddddd(x)", ALONE),
                ("Addddddx", KEYWORD),
                ("AAddddddx", KEYWORD),
            ],
            // Month and year as cards print them and checkout forms take them (`12/28`,
            // `12/2028`, `12-2028`). Not `3/10` or `10-15` (progress counters and ranges after
            // `exp_name` and `cache expiry`), not year first (`2027-06`, a certificate's or a
            // subscription's month as often), and not four digits glued (`1228`: years and counts
            // too often to look up a keyword behind each).
            IdFormat::CardExpiry => &[
                ("dd/dd", KEYWORD),
                ("dd/dddd", KEYWORD),
                ("dd-dddd", KEYWORD),
            ],
            // Ten digits from 1 or 2, whole or grouped 4-3-3 as some claim forms print them.
            IdFormat::UsNpi => &[
                ("dddddddddd", KEYWORD),
                ("dddd-ddd-ddd", KEYWORD),
                ("dddd ddd ddd", KEYWORD),
            ],
            // BCRA's CBU (and the CVU of payment providers, the same layout): a first block of
            // bank, branch and check (8), a second of account and check (14).
            IdFormat::ArCbu => &[
                ("dddddddddddddddddddddd", KEYWORD),
                ("dddddddd dddddddddddddd", KEYWORD),
                ("dddddddd-dddddddddddddd", KEYWORD),
            ],
            // YY.MM.DD-SSS.CC, mod 97 (with a 2 in front from 2000): the print form stands
            // alone.
            IdFormat::BeNn => &[
                ("dd.dd.dd-ddd.dd", ALONE),
                ("dd.dd.dd-ddd dd", ALONE),
                ("ddddddddddd", KEYWORD),
            ],
            IdFormat::PhoneNational => &[
                // UK: mobiles and most geographic numbers, London and the other 3-4-4 areas.
                ("ddddd dddddd", KEYWORD),
                ("ddddd ddd ddd", KEYWORD),
                ("ddd dddd dddd", KEYWORD),
                ("dddd ddd dddd", KEYWORD),
                // France, in pairs.
                ("dd dd dd dd dd", KEYWORD),
                ("dd.dd.dd.dd.dd", KEYWORD),
                ("dd-dd-dd-dd-dd", KEYWORD),
                // Germany: area or mobile prefix, slash or space.
                ("dddd/ddddddd", KEYWORD),
                ("dddd/dddddddd", KEYWORD),
                ("ddddd/dddddd", KEYWORD),
                ("dddd dddddddd", KEYWORD),
                ("dddd ddddddd", KEYWORD),
                ("dddd-ddddddd", KEYWORD),
                ("dddd-dddddddd", KEYWORD),
                ("ddd dddddddd", KEYWORD),
                ("ddd-dddddddd", KEYWORD),
                ("ddd ddddddd", KEYWORD),
                ("ddd-ddddddd", KEYWORD),
                // UK and Australia with the area code in parentheses.
                ("(ddd) dddd dddd", KEYWORD),
                ("(dd) dddd dddd", KEYWORD),
                // Brazil: area code in parentheses, landlines and mobiles.
                ("(dd) dddd-dddd", KEYWORD),
                ("(dd) ddddd-dddd", KEYWORD),
                // Australia: landlines with the area code, mobiles; India with the trunk 0.
                ("dd dddd dddd", KEYWORD),
                ("dddd ddd ddd", KEYWORD),
                ("dddddd ddddd", KEYWORD),
                ("ddddd ddddd", KEYWORD),
                // Compact with the trunk prefix: UK and India 11 digits, France 10. (Not 12: an
                // AWS account id is twelve digits, often from 0, and a log's `caller` is near.)
                ("ddddddddddd", KEYWORD),
                ("dddddddddd", KEYWORD),
                // libphonenumber's national formats elsewhere (its example numbers): Germany
                // (01512 3456789, 030 123456), Spain (612 34 56 78), Poland and Portugal
                // (512 345 678), Japan and Korea (090-1234-5678), the Netherlands (06 12345678),
                // Sweden (070-123 45 67), Switzerland (078 123 45 67), Belgium (0450 00 12 34),
                // Turkey (0501 234 56 78), Indonesia (0812-345-678), Kenya (0712 123456),
                // Argentina (011 15-2345-6789), Israel (050-234-5678), Malaysia (012-345 6789),
                // South Africa, Ireland, New Zealand, the Gulf and Thailand (071 123 4567), all
                // with their trunk 0 (see `check`).
                ("ddddd ddddddd", KEYWORD),
                ("ddd dddddd", KEYWORD),
                ("ddd dd dd dd", KEYWORD),
                ("ddd ddd ddd", KEYWORD),
                ("ddd-dddd-dddd", KEYWORD),
                ("dd dddddddd", KEYWORD),
                ("ddd-ddd dd dd", KEYWORD),
                ("ddd ddd dd dd", KEYWORD),
                ("dddd dd dd dd", KEYWORD),
                ("dddd ddd dd dd", KEYWORD),
                ("dddd-ddd-ddd", KEYWORD),
                ("dddd dddddd", KEYWORD),
                ("ddd dd-dddd-dddd", KEYWORD),
                ("ddd-ddd-dddd", KEYWORD),
                ("ddd-ddd dddd", KEYWORD),
                ("ddd ddd dddd", KEYWORD),
                ("dddd dddd", KEYWORD),
                // With the international prefix 00 instead of + (0044 7400 123456,
                // 0033 6 12 34 56 78).
                ("dddd dddd dddddd", KEYWORD),
                ("dddd d dd dd dd dd", KEYWORD),
            ],
            // libphonenumber's national formats (and its example numbers) of the countries that
            // dial without a trunk prefix: Spain (612 34 56 78, 912 345 678), Poland and Portugal
            // (512 345 678, 12 345 67 89), Italy's mobiles (312 345 6789), Mexico (222 123 4567),
            // China (131 2345 6789), Colombia (321 1234567), Singapore and Hong Kong (8123 4567),
            // Chile ((2) 2123 4567, 9 6123 4567), Denmark and Norway (32 12 34 56, 406 12 345),
            // Russia after its trunk 8 (8 (912) 345-67-89); compact, nine digits (Spain, Poland,
            // Portugal).
            // Six digits are most codes (SMS, email, TOTP); seven and eight digits share their
            // keyword lookup with licences and birth dates.
            IdFormat::OneTimeCode => &[
                ("dddddd", KEYWORD),
                ("ddddddd", KEYWORD),
                ("dddddddd", KEYWORD),
            ],
            IdFormat::PhoneNationalBare => &[
                ("ddd dd dd dd", KEYWORD),
                ("ddd ddd ddd", KEYWORD),
                ("ddd-ddd-ddd", KEYWORD),
                ("dd ddd dd dd", KEYWORD),
                ("ddd ddd dddd", KEYWORD),
                ("ddd dddd dddd", KEYWORD),
                ("ddd ddddddd", KEYWORD),
                ("dddd dddd", KEYWORD),
                ("(d) dddd dddd", KEYWORD),
                ("d dddd dddd", KEYWORD),
                ("dd dd dd dd", KEYWORD),
                ("ddd dd ddd", KEYWORD),
                ("d (ddd) ddd-dd-dd", KEYWORD),
                ("d ddd ddd-dd-dd", KEYWORD),
                ("ddddddddd", KEYWORD),
                // An MSISDN: the country code and the national number without `+` or `00`, as SMS
                // gateways log them (`msisdn=447700900123`); see [`msisdn`]. (Not after `to`, as
                // Vonage's API writes its recipient: a weak keyword, not this rule's.)
                ("ddddddddddd", KEYWORD),
                ("dddddddddddd", KEYWORD),
                ("ddddddddddddd", KEYWORD),
            ],
            // As forms and people write a birth date: ISO and compact, day and month either way
            // round with or without their zeros and with a two-digit year, a month's name or
            // abbreviation between day and year (`12 April 1985`, `12-Apr-1985`, `12-APR-85`).
            IdFormat::DateOfBirth => &[
                ("dddd-dd-dd", KEYWORD),
                ("dddd/dd/dd", KEYWORD),
                ("dd/dd/dddd", KEYWORD),
                ("dd-dd-dddd", KEYWORD),
                ("dd.dd.dddd", KEYWORD),
                ("dddddddd", KEYWORD),
                ("dddd-d-dd", KEYWORD),
                ("dddd-dd-d", KEYWORD),
                ("dddd-d-d", KEYWORD),
                ("d/dd/dddd", KEYWORD),
                ("dd/d/dddd", KEYWORD),
                ("d/d/dddd", KEYWORD),
                ("d-dd-dddd", KEYWORD),
                ("dd-d-dddd", KEYWORD),
                ("d-d-dddd", KEYWORD),
                ("d.dd.dddd", KEYWORD),
                ("dd.d.dddd", KEYWORD),
                ("d.d.dddd", KEYWORD),
                ("dd/dd/dd", KEYWORD),
                ("d/dd/dd", KEYWORD),
                ("dd/d/dd", KEYWORD),
                ("d/d/dd", KEYWORD),
                ("dd.dd.dd", KEYWORD),
                ("dd-Aaa-dddd", KEYWORD),
                ("d-Aaa-dddd", KEYWORD),
                ("dd-AAA-dddd", KEYWORD),
                ("d-AAA-dddd", KEYWORD),
                ("dd-AAA-dd", KEYWORD),
                ("d-AAA-dd", KEYWORD),
                ("dd Aaa dddd", KEYWORD),
                ("d Aaa dddd", KEYWORD),
                ("dd Aaaa dddd", KEYWORD),
                ("d Aaaa dddd", KEYWORD),
                ("dd Aaaaa dddd", KEYWORD),
                ("d Aaaaa dddd", KEYWORD),
                ("dd Aaaaaa dddd", KEYWORD),
                ("d Aaaaaa dddd", KEYWORD),
                ("dd Aaaaaaa dddd", KEYWORD),
                ("d Aaaaaaa dddd", KEYWORD),
                ("dd Aaaaaaaa dddd", KEYWORD),
                ("d Aaaaaaaa dddd", KEYWORD),
                ("dd Aaaaaaaaa dddd", KEYWORD),
                ("d Aaaaaaaaa dddd", KEYWORD),
                // Month first, as US English writes it (`May 21, 1985`).
                ("Aaa dd, dddd", KEYWORD),
                ("Aaa d, dddd", KEYWORD),
                ("Aaaa dd, dddd", KEYWORD),
                ("Aaaa d, dddd", KEYWORD),
                ("Aaaaa dd, dddd", KEYWORD),
                ("Aaaaa d, dddd", KEYWORD),
                ("Aaaaaa dd, dddd", KEYWORD),
                ("Aaaaaa d, dddd", KEYWORD),
                ("Aaaaaaa dd, dddd", KEYWORD),
                ("Aaaaaaa d, dddd", KEYWORD),
                ("Aaaaaaaa dd, dddd", KEYWORD),
                ("Aaaaaaaa d, dddd", KEYWORD),
                ("Aaaaaaaaa dd, dddd", KEYWORD),
                ("Aaaaaaaaa d, dddd", KEYWORD),
            ],
        }
    }

    /// The format's own rules and check over the characters the layout captured (its `d`, `A`, `x`
    /// and `K` positions, in order); `gated` when the layout needs a keyword (or a JSON key) before
    /// it, which some formats count instead of a check digit they no longer all carry.
    fn check(self, c: &[u8], raw: &[u8], gated: bool) -> bool {
        let d = |i: usize| u32::from(c[i].wrapping_sub(b'0'));
        match self {
            IdFormat::PhoneNational => {
                // A national number starts with its trunk `0`, or with `00` (the international
                // prefix) and a country code, or with an area code in parentheses (Brazil), or
                // is an Indian mobile number (ten digits from 6 to 9, compact or 5-5) that is not
                // a valid NANP number (the phone rule's). The keyword does the rest, and the
                // phone keywords include weak ones (`call`, `callback`, `sms`): a number without
                // those marks after them is a count, an epoch or an id (`callback 1733394153`,
                // `call ids 123-456-7890`), so the numbers of countries without a trunk prefix
                // (Spain's 612 34 56 78) are left.
                let nanp = super::validate::nanp(c);
                let indian_mobile = c.len() == 10
                    && (b'6'..=b'9').contains(&c[0])
                    && !nanp
                    && (raw.len() == 10 || raw.len() == 11 && raw[5] == b' ');
                c[0] == b'0' && c[1] != b'0'
                    || c.starts_with(b"00") && c[2] != b'0' && (12..=17).contains(&c.len())
                    || c[0] != b'0' && (c.len() == 10 || c.len() == 11) && raw[0] == b'('
                    || indian_mobile
            }
            IdFormat::PhoneNationalBare => {
                // No trunk 0 (numbers with one are `PhoneNational`'s, and `0000 1234` is a
                // placeholder); eleven digits only as China's mobiles (from 1) or after Russia's
                // trunk 8; eight digits from 2 (Denmark, Norway), and as two fours from 3
                // (Singapore's 6, 8 and 9, Hong Kong's 3, 5, 6 and 9), which keeps `1234 5678` and a
                // year with a number after it (`2026 1123`) out.
                // A valid NANP number (`415 555 0132`, `1 415 555 0132`) is the phone rule's.
                let first = c[0];
                let nanp = super::validate::nanp;
                if raw.len() == c.len() && c.len() >= 11 {
                    // Or China's mobiles written whole; a valid `1` and NANP number is the phone
                    // rule's.
                    let china = c.len() == 11
                        && c[0] == b'1'
                        && (b'3'..=b'9').contains(&c[1])
                        && !nanp(&c[1..]);
                    return msisdn(c) || china;
                }
                match c.len() {
                    8 if raw.len() == 9 && raw[4] == b' ' => first >= b'3',
                    8 => first >= b'2',
                    10 => first != b'0' && !nanp(c),
                    // No layout here writes NANP's `1 415 555 0132`: 1 and 3-4-4 is China's.
                    11 => matches!(first, b'1' | b'8'),
                    _ => first != b'0',
                }
            }
            IdFormat::DateOfBirth => date_of_birth(raw),
            IdFormat::OneTimeCode => true,
            IdFormat::UsItin => {
                let group = d(3) * 10 + d(4);
                c[0] == b'9' && matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
            }
            IdFormat::UsPassport => c.len() == 9,
            // No check digit: only a placeholder (`AA000000`, `00000000`) is turned away.
            IdFormat::Passport | IdFormat::UsDriverLicense | IdFormat::DriverLicense => {
                !one_digit_repeated(c)
            }
            IdFormat::CardExpiry => card_expiry(raw),
            IdFormat::UsHicn => {
                // The SSN's own rules (no area 000, 666 or 900-999, no group 00, no serial 0000),
                // then a beneficiary code's letter.
                let area = number(&c[..3]);
                let ssn = area != 0
                    && area != 666
                    && area < 900
                    && number(&c[3..5]) != 0
                    && number(&c[5..9]) != 0;
                ssn && matches!(
                    c[9],
                    b'A' | b'B'
                        | b'C'
                        | b'D'
                        | b'E'
                        | b'F'
                        | b'G'
                        | b'H'
                        | b'J'
                        | b'K'
                        | b'M'
                        | b'T'
                        | b'W'
                )
            }
            IdFormat::EuEhic
            | IdFormat::DeSteuernummer
            | IdFormat::BrCep
            | IdFormat::NgBvn
            | IdFormat::NgNin => !one_digit_repeated(c),
            IdFormat::IdNik => {
                // Province (11-96, the Papuan provinces of 2022 the last), regency, district, the
                // birth date DDMMYY (a woman's day plus 40), a serial from 0001.
                let province = d(0) * 10 + d(1);
                let (day, month) = (d(6) * 10 + d(7), d(8) * 10 + d(9));
                (11..=96).contains(&province)
                    && ((1..=31).contains(&day) || (41..=71).contains(&day))
                    && (1..=12).contains(&month)
                    && number(&c[12..16]) != 0
            }
            IdFormat::PkCnic => (b'1'..=b'7').contains(&c[0]) && !one_digit_repeated(c),
            IdFormat::AeEmiratesId => {
                let year = number(&c[3..7]);
                c.starts_with(b"784") && (1900..=2099).contains(&year) && super::validate::luhn(c)
            }
            IdFormat::MyMykad => {
                // YYMMDD, then the place of birth: a state (01-16), or a country or region code
                // (21-59, 60-68, 71-72, 74-79, 82-93, 98-99), as the National Registration
                // Department lists them.
                let (month, day) = (d(2) * 10 + d(3), d(4) * 10 + d(5));
                let place = d(6) * 10 + d(7);
                (1..=12).contains(&month)
                    && (1..=31).contains(&day)
                    && matches!(place, 1..=16 | 21..=68 | 71 | 72 | 74..=79 | 82..=93 | 98 | 99)
            }
            IdFormat::HkHkid => hkid(c),
            IdFormat::EsNuss => {
                let (province, serial) = (u64::from(number(&c[..2])), u64::from(number(&c[2..10])));
                let base = if serial < 10_000_000 {
                    province * 10_000_000 + serial
                } else {
                    province * 100_000_000 + serial
                };
                (1..=53).contains(&province)
                    && base % 97 == u64::from(number(&c[10..12]))
                    && !one_digit_repeated(c)
            }
            IdFormat::FrSpi => {
                c[0] <= b'3'
                    && u64::from(number(&c[..10])) % 511 == u64::from(number(&c[10..13]))
                    && !one_digit_repeated(c)
            }
            IdFormat::UsMbi => {
                let banned = |b: u8| matches!(b, b'S' | b'L' | b'O' | b'I' | b'B' | b'Z');
                c[0] != b'0' && !c.iter().any(|&b| banned(b))
            }
            IdFormat::UkNino => {
                let (a, b) = (c[0], c[1]);
                !matches!(a, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V')
                    && !matches!(b, b'D' | b'F' | b'I' | b'O' | b'Q' | b'U' | b'V')
                    && !matches!(
                        &c[..2],
                        b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
                    )
                    && c.get(8).is_none_or(|s| (b'A'..=b'D').contains(s))
            }
            IdFormat::UkNhs => {
                let sum: u32 = (0..9).map(|i| d(i) * (10 - i as u32)).sum();
                let check = (11 - sum % 11) % 11;
                check != 10 && check == d(9)
            }
            IdFormat::CaSin => c[0] != b'0' && c[0] != b'8' && super::validate::luhn(c),
            IdFormat::InAadhaar => c[0] >= b'2' && verhoeff(c) && !c.iter().eq(c.iter().rev()),
            IdFormat::InPan => matches!(
                c[3],
                b'P' | b'C' | b'H' | b'F' | b'A' | b'B' | b'T' | b'L' | b'J' | b'G' | b'K'
            ),
            IdFormat::BrCpf => {
                let dv = |n: usize| {
                    let sum: u32 = (0..n).map(|i| d(i) * (n as u32 + 1 - i as u32)).sum();
                    (11 - sum % 11) % 11 % 10
                };
                c.iter().any(|&b| b != c[0]) && dv(9) == d(9) && dv(10) == d(10)
            }
            IdFormat::BrCnpj => {
                const W: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
                let dv = |n: usize| {
                    let w = &W[13 - n..];
                    let sum: u32 = (0..n).map(|i| d(i) * w[i]).sum();
                    (11 - sum % 11) % 11 % 10
                };
                c.iter().any(|&b| b != c[0]) && dv(12) == d(12) && dv(13) == d(13)
            }
            IdFormat::EsDni => dni_letter(number(&c[..8])) == c[8],
            IdFormat::EsNie => {
                let lead = match c[0] {
                    b'X' => 0,
                    b'Y' => 1,
                    b'Z' => 2,
                    _ => return false,
                };
                dni_letter(lead * 10_000_000 + number(&c[1..8])) == c[8]
            }
            IdFormat::ItCodiceFiscale => codice_fiscale(c),
            IdFormat::ItVat => {
                // The digits after `IT`; an office code of 001-100 or one of the four special
                // ones (python-stdnum's `it.iva`), a company number that is not all zeros.
                let (country, c) = c.split_at(c.len() - 11);
                if !matches!(country, b"" | b"IT") {
                    return false;
                }
                let office = number(&c[7..10]);
                c[..7].iter().any(|&b| b != b'0')
                    && ((1..=100).contains(&office) || matches!(office, 120 | 121 | 888 | 999))
                    && super::validate::luhn(c)
            }
            IdFormat::UkDrivingLicence => uk_driving_licence(c),
            IdFormat::Imei => super::validate::luhn(c) && c.iter().any(|&b| b != c[0]),
            IdFormat::DeIdDocument => de_id_document(c),
            // The check digit is not asked for: after its keyword a letter and nine digits are
            // the number as the person wrote it (the check is the issuer's, over the letter's
            // number 01-26 and the next eight, weights 1 and 2, digit sums, mod 10).
            IdFormat::DeKvnr => !one_digit_repeated(&c[1..]),
            // Glued, an id stamped with a date (`20241205A001`: YYYYMMDD, a letter, a serial) reads
            // as area 20, day 24, month 12 and passes but for the check digit (one in ten): those
            // are ids, and a real number whose area and date read so (area 19 or 20, a birth
            // year of 01-31) is given up.
            IdFormat::DeSvnr => de_svnr(c) && !(raw.len() == 12 && dated_id(c)),
            IdFormat::InGstin => {
                let state = d(0) * 10 + d(1);
                ((1..=38).contains(&state) || matches!(state, 97 | 99))
                    && (gated || gstin_check(raw))
            }
            IdFormat::KrDriverLicense => (11..=28).contains(&(d(0) * 10 + d(1))),
            IdFormat::UsNpi => {
                let mut digits = *b"808400000000000";
                if c.len() != 10 {
                    return false;
                }
                digits[5..].copy_from_slice(c);
                matches!(c[0], b'1' | b'2') && super::validate::luhn(&digits)
            }
            IdFormat::MxClabe => {
                // Weights 3, 7, 1 over the first seventeen digits, each product taken mod 10.
                let sum: u32 = (0..17).map(|i| d(i) * [3, 7, 1][i % 3] % 10).sum();
                (10 - sum % 10) % 10 == d(17) && c[..17].iter().any(|&b| b != b'0')
            }
            IdFormat::ArCbu => {
                // Each block's last digit: 10 minus its weighted sum mod 10 (BCRA's weights
                // 3, 1, 7, 9 repeating, from the digit before the check leftwards).
                let check = |from: usize, len: usize| {
                    let sum: u32 = (0..len)
                        .map(|i| d(from + i) * [3, 1, 7, 9][(len - 1 - i) % 4])
                        .sum();
                    (10 - sum % 10) % 10 == d(from + len)
                };
                check(0, 7) && check(8, 13) && c[8..21].iter().any(|&b| b != b'0')
            }
            IdFormat::UkUtr => {
                // HMRC's check: the first digit from the weighted sum of the other nine
                // (the OECD's UK TIN sheet; python-stdnum's `gb.utr`).
                const W: [u32; 9] = [6, 7, 8, 9, 10, 5, 4, 3, 2];
                let sum: u32 = (0..9).map(|i| d(i + 1) * W[i]).sum();
                b"21987654321"[(sum % 11) as usize] == c[0] && c.iter().any(|&b| b != c[0])
            }
            IdFormat::PlPesel => {
                const W: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
                let sum: u32 = (0..10).map(|i| d(i) * W[i]).sum();
                let month = (d(2) * 10 + d(3)) % 20;
                let day = d(4) * 10 + d(5);
                (10 - sum % 10) % 10 == d(10)
                    && (1..=12).contains(&month)
                    && (1..=31).contains(&day)
            }
            IdFormat::FrNir => nir(c),
            IdFormat::DeSteuerId => steuer_id(c),
            IdFormat::NlBsn => {
                let sum: i64 = (0..8)
                    .map(|i| i64::from(d(i)) * (9 - i as i64))
                    .sum::<i64>()
                    - i64::from(d(8));
                sum % 11 == 0 && c.iter().any(|&b| b != b'0')
            }
            IdFormat::AuTfn => {
                const W: [u32; 9] = [1, 4, 3, 7, 5, 8, 6, 9, 10];
                let sum: u32 = (0..9).map(|i| d(i) * W[i]).sum();
                sum.is_multiple_of(11) && c.iter().any(|&b| b != b'0')
            }
            IdFormat::AuAbn => {
                const W: [u32; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
                if c[0] == b'0' {
                    return false;
                }
                let sum: u32 = (0..11)
                    .map(|i| if i == 0 { d(0) - 1 } else { d(i) } * W[i])
                    .sum();
                sum.is_multiple_of(89)
            }
            IdFormat::AuMedicare => {
                const W: [u32; 8] = [1, 3, 7, 9, 1, 3, 7, 9];
                let sum: u32 = (0..8).map(|i| d(i) * W[i]).sum();
                (b'2'..=b'6').contains(&c[0]) && sum % 10 == d(8) && c[9] != b'0'
            }
            IdFormat::SgNric => {
                const W: [u32; 7] = [2, 7, 6, 5, 4, 3, 2];
                let sum: u32 = (0..7).map(|i| d(i + 1) * W[i]).sum();
                let expected = match c[0] {
                    b'S' => b"JZIHGFEDCBA"[(sum % 11) as usize],
                    b'T' => b"JZIHGFEDCBA"[((sum + 4) % 11) as usize],
                    b'F' => b"XWUTRQPNMLK"[(sum % 11) as usize],
                    b'G' => b"XWUTRQPNMLK"[((sum + 4) % 11) as usize],
                    b'M' => b"KLJNPQRTUWX"[(10 - (sum + 3) % 11) as usize],
                    _ => return false,
                };
                expected == c[8]
            }
            IdFormat::KrRrn => {
                const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
                let sum: u32 = (0..12).map(|i| d(i) * W[i]).sum();
                let month = d(2) * 10 + d(3);
                let day = d(4) * 10 + d(5);
                // A foreigner's registration number (sex and century 5-8) has its own check:
                // 13 minus the sum, mod 11, mod 10.
                let check = if (5..=8).contains(&d(6)) {
                    (13 - sum % 11) % 10
                } else {
                    (11 - sum % 11) % 10
                };
                (check == d(12) || gated && (1..=8).contains(&d(6)))
                    && (1..=12).contains(&month)
                    && (1..=31).contains(&day)
            }
            IdFormat::CnResidentId => {
                const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
                let sum: u32 = (0..17).map(|i| d(i) * W[i]).sum();
                let check = (12 - sum % 11) % 11;
                let last = if c[17] == b'X' { 10 } else { d(17) };
                let year = number(&c[6..10]);
                let month = d(10) * 10 + d(11);
                let day = d(12) * 10 + d(13);
                check == last
                    && (b'1'..=b'8').contains(&c[0])
                    && (1900..=2099).contains(&year)
                    && (1..=12).contains(&month)
                    && (1..=31).contains(&day)
            }
            IdFormat::MxCurp => {
                const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ";
                let mut sum = 0u32;
                for (i, b) in c[..17].iter().enumerate() {
                    let Some(v) = ALPHABET.iter().position(|a| a == b) else {
                        return false;
                    };
                    sum += v as u32 * (18 - i as u32);
                }
                let month = d(6) * 10 + d(7);
                matches!(c[10], b'H' | b'M' | b'X')
                    && (1..=12).contains(&month)
                    && (10 - sum % 10) % 10 == d(17)
            }
            IdFormat::SePersonnummer => {
                let (month, day) = if c.len() == 12 {
                    (d(4) * 10 + d(5), d(6) * 10 + d(7))
                } else {
                    (d(2) * 10 + d(3), d(4) * 10 + d(5))
                };
                // A coordination number (samordningsnummer) adds 60 to the day.
                (1..=12).contains(&month)
                    && ((1..=31).contains(&day) || (61..=91).contains(&day))
                    && (c.len() == 10 || matches!(&c[..2], b"18" | b"19" | b"20"))
                    && super::validate::luhn(&c[c.len() - 10..])
            }
            IdFormat::ZaId => {
                let (month, day) = (d(2) * 10 + d(3), d(4) * 10 + d(5));
                (1..=12).contains(&month)
                    && (1..=31).contains(&day)
                    && matches!(c[10], b'0' | b'1')
                    && super::validate::luhn(c)
            }
            IdFormat::ChAhv => {
                let sum: u32 = (0..12).map(|i| d(i) * if i % 2 == 0 { 1 } else { 3 }).sum();
                c.starts_with(b"756") && (10 - sum % 10) % 10 == d(12)
            }
            IdFormat::TrKimlik => {
                let odd: u32 = (0..9).step_by(2).map(d).sum();
                let even: u32 = (1..9).step_by(2).map(d).sum();
                let first = (odd * 7 + 10 * 9 - even) % 10;
                c[0] != b'0' && first == d(9) && ((0..10).map(d).sum::<u32>()) % 10 == d(10)
            }
            IdFormat::DkCpr => {
                let (day, month) = (d(0) * 10 + d(1), d(2) * 10 + d(3));
                (1..=31).contains(&day) && (1..=12).contains(&month)
            }
            IdFormat::FiHetu => fi_hetu(c),
            IdFormat::NoFodselsnummer => {
                const W1: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
                const W2: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
                let k1 = (11 - (0..9).map(|i| W1[i] * d(i)).sum::<u32>() % 11) % 11;
                let k2 = (11 - (0..10).map(|i| W2[i] * d(i)).sum::<u32>() % 11) % 11;
                // D-numbers add 40 to the day, H-numbers 40 to the month.
                let (day, month) = ((d(0) * 10 + d(1)) % 40, (d(2) * 10 + d(3)) % 40);
                k1 == d(9) && k2 == d(10) && (1..=31).contains(&day) && (1..=12).contains(&month)
            }
            IdFormat::ClRut => {
                let (body, check) = c.split_at(c.len() - 1);
                let sum: u32 = body
                    .iter()
                    .rev()
                    .enumerate()
                    .map(|(i, &b)| u32::from(b - b'0') * (4 + (5 + 6 - i as u32 % 6) % 6))
                    .sum();
                b"0123456789K"[(sum % 11) as usize] == check[0]
            }
            IdFormat::ArCuit => {
                const W: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
                let sum: u32 = (0..10).map(|i| W[i] * d(i)).sum();
                let check = b"012345678990"[(11 - sum % 11) as usize];
                matches!(
                    &c[..2],
                    b"20" | b"23" | b"24" | b"27" | b"30" | b"33" | b"34" | b"50" | b"51" | b"55"
                ) && check == c[10]
            }
            IdFormat::JpMyNumber => {
                const W: [u32; 11] = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
                let sum: u32 = (0..11).map(|i| W[i] * d(i)).sum();
                (11 - sum % 11) % 11 % 10 == d(11)
            }
            IdFormat::BeNn => {
                let first = u64::from(number(&c[..9]));
                let check = u64::from(d(9) * 10 + d(10));
                let month = d(2) * 10 + d(3);
                month <= 12
                    && c.iter().any(|&b| b != b'0')
                    && (97 - first % 97 == check || 97 - (2_000_000_000 + first) % 97 == check)
            }
            IdFormat::AuAcn => {
                let sum: u32 = (0..8).map(|i| d(i) * (8 - i as u32)).sum();
                (10 - sum % 10) % 10 == d(8) && !one_digit_repeated(c)
            }
            IdFormat::ThTnin => {
                let sum: u32 = (0..12).map(|i| d(i) * (13 - i as u32)).sum();
                (b'1'..=b'8').contains(&c[0]) && (11 - sum % 11) % 10 == d(12)
            }
            IdFormat::UsDea => {
                // A registrant type, then the registrant's initial (or 9 for a business); the
                // check is the last digit of the odd digits plus twice the even ones.
                let n = |i: usize| d(c.len() - 7 + i);
                let sum = n(0) + n(2) + n(4) + 2 * (n(1) + n(3) + n(5));
                b"ABCDEFGHJKLMNPRSTUX".contains(&c[0])
                    && (c.len() == 9 && c[1].is_ascii_uppercase() || c[1] == b'9')
                    && sum % 10 == n(6)
            }
            IdFormat::InVoter => !one_digit_repeated(c),
            IdFormat::InVehicle => IN_STATES.chunks(2).any(|code| code == &c[..2]),
            IdFormat::ItDriverLicense => {
                c[1].is_ascii_uppercase()
                    || c.starts_with(b"U1") && b"BCDEFGHLJKMNPRSTUWYXZ".contains(&c[2])
            }
            IdFormat::ItIdentityCard => {
                // The electronic card's letters-digits-letters series start with `CA`.
                !one_digit_repeated(c)
                    && (c[0].is_ascii_digit() || c[8].is_ascii_digit() || c.starts_with(b"CA"))
            }
            IdFormat::MxRfc => {
                // About 1.5% of RFCs in use fail their check character (catalog.md), so only the
                // structure and the date are checked; the rule needs its keyword.
                let date = &c[c.len() - 9..c.len() - 3];
                let month = u32::from(date[2] - b'0') * 10 + u32::from(date[3] - b'0');
                let day = u32::from(date[4] - b'0') * 10 + u32::from(date[5] - b'0');
                date.iter().all(u8::is_ascii_digit)
                    && (1..=12).contains(&month)
                    && (1..=31).contains(&day)
            }
        }
    }
}

/// A German passport or identity card number: the document alphabet (digits and consonants without
/// B, D and Q: C F G H J K L M N P R T V W X Y Z) in all nine characters, a digit among them, not a
/// placeholder, and the ICAO 9303 check digit (weights 7, 3, 1; letters A = 10 to Z = 35) when a
/// tenth character follows.
fn de_id_document(c: &[u8]) -> bool {
    let alphabet = |b: u8| b.is_ascii_digit() || b"CFGHJKLMNPRTVWXYZ".contains(&b);
    let (number, check) = c.split_at(9.min(c.len()));
    if number.len() != 9 || !number.iter().all(|&b| alphabet(b)) || one_digit_repeated(number) {
        return false;
    }
    match check {
        [] => true,
        [digit] => {
            let value = |b: u8| {
                u32::from(if b.is_ascii_digit() {
                    b - b'0'
                } else {
                    b - b'A' + 10
                })
            };
            let sum: u32 = number
                .iter()
                .enumerate()
                .map(|(i, &b)| value(b) * [7, 3, 1][i % 3])
                .sum();
            u32::from(digit.wrapping_sub(b'0')) == sum % 10
        }
        _ => false,
    }
}

/// A German pension insurance number (`c`: eleven digits and the letter, as written): an area
/// 02-89, a birth date DDMMYY that holds, and the check digit (the letter as its number 01-26
/// between the date and the serial; weights 2 1 2 5 7 1 2 1 2 1 2 1; digit sums; mod 10).
fn de_svnr(c: &[u8]) -> bool {
    let d = |i: usize| u32::from(c[i].wrapping_sub(b'0'));
    let letter = u32::from(c[8].wrapping_sub(b'A')) + 1;
    let area = d(0) * 10 + d(1);
    let (day, month) = (d(2) * 10 + d(3), d(4) * 10 + d(5));
    let digits = [
        d(0),
        d(1),
        d(2),
        d(3),
        d(4),
        d(5),
        d(6),
        d(7),
        letter / 10,
        letter % 10,
        d(9),
        d(10),
    ];
    const W: [u32; 12] = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1];
    let sum: u32 = digits
        .iter()
        .zip(W)
        .map(|(&x, w)| {
            let p = x * w;
            p / 10 + p % 10
        })
        .sum();
    c[8].is_ascii_uppercase()
        && (2..=89).contains(&area)
        && (1..=31).contains(&day)
        && (1..=12).contains(&month)
        && sum % 10 == d(11)
}

/// A GSTIN's check character (the last of `c`, the fifteen as written): the first fourteen characters' values (0-9, A-Z as
/// 10-35), each odd position's doubled, the two base-36 digits of each product summed; the check
/// brings the sum to a multiple of 36. The holder's PAN (characters 3-12) must name a holder type
/// at its fourth letter.
fn gstin_check(c: &[u8]) -> bool {
    let value = |b: u8| match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'A'..=b'Z' => u32::from(b - b'A') + 10,
        _ => 99,
    };
    if c.len() != 15 || !b"ABCFGHJLPT".contains(&c[5]) {
        return false;
    }
    let mut sum = 0;
    for (i, &b) in c[..14].iter().enumerate() {
        let v = value(b);
        if v > 35 {
            return false;
        }
        let p = v * if i % 2 == 1 { 2 } else { 1 };
        sum += p / 36 + p % 36;
    }
    (36 - sum % 36) % 36 == value(c[14])
}

/// Whether the first eight of `c` read as a date YYYYMMDD of 1900-2099.
fn dated_id(c: &[u8]) -> bool {
    let d = |i: usize| u32::from(c[i].wrapping_sub(b'0'));
    let century = d(0) * 10 + d(1);
    let (month, day) = (d(4) * 10 + d(5), d(6) * 10 + d(7));
    matches!(century, 19 | 20) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Whether the digits among `c` are one digit repeated (`AA000000`): a placeholder, not a number.
fn one_digit_repeated(c: &[u8]) -> bool {
    let mut digits = c.iter().filter(|b| b.is_ascii_digit());
    let first = digits.next();
    digits.all(|b| Some(b) == first)
}

/// A birth date as [`IdFormat::DateOfBirth`]'s layouts write it: year first (ISO, `19850412`),
/// or last with day and month either way round (`04/12/1985`, `4/12/85`), or a month's name
/// before or after the day (`12 April 1985`, `May 21, 1985`); years from 1900 to 2099.
fn date_of_birth(raw: &[u8]) -> bool {
    let date = |m: u32, day: u32| (1..=12).contains(&m) && (1..=31).contains(&day);
    let year = |y: &[u8]| y.len() == 2 || (1900..=2099).contains(&number(y));
    if raw.len() == 8 && raw.iter().all(u8::is_ascii_digit) {
        let (a, b) = (number(&raw[4..6]), number(&raw[6..]));
        let (x, y) = (number(&raw[..2]), number(&raw[2..4]));
        return year(&raw[..4]) && date(a, b) || year(&raw[4..]) && (date(x, y) || date(y, x));
    }
    let mut parts = raw
        .split(|b| matches!(b, b'-' | b'/' | b'.' | b' ' | b','))
        .filter(|p| !p.is_empty());
    let (Some(p0), Some(p1), Some(p2), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |p: &[u8]| p.iter().all(u8::is_ascii_digit);
    if !digits(p0) && digits(p1) && digits(p2) {
        return month_name(p0) && (1..=31).contains(&number(p1)) && year(p2);
    }
    if !digits(p0) || !digits(p2) {
        return false;
    }
    if !digits(p1) {
        return month_name(p1) && (1..=31).contains(&number(p0)) && year(p2);
    }
    let (a, b) = (number(p0), number(p1));
    if p0.len() == 4 {
        return year(p0) && date(b, number(p2));
    }
    year(p2) && (date(a, b) || date(b, a))
}

/// A card's expiry as [`IdFormat::CardExpiry`]'s layouts write it: a month from 1 to 12, then a
/// year a card in use can have, 2015 to 2045 (two digits or four): `05/12` after `vencimiento` is
/// a day and a month, `10/05` after `session expires` no card.
fn card_expiry(raw: &[u8]) -> bool {
    let Some(sep) = raw.iter().position(|&b| b == b'/' || b == b'-') else {
        return false;
    };
    let (month, year) = (number(&raw[..sep]), number(&raw[sep + 1..]));
    let year = if raw.len() - sep - 1 == 2 {
        2000 + year
    } else {
        year
    };
    (1..=12).contains(&month) && (2015..=2045).contains(&year)
}

/// A month's English name or its three-letter abbreviation (`Sept` too), any case.
fn month_name(word: &[u8]) -> bool {
    const MONTHS: [&[u8]; 12] = [
        b"january",
        b"february",
        b"march",
        b"april",
        b"may",
        b"june",
        b"july",
        b"august",
        b"september",
        b"october",
        b"november",
        b"december",
    ];
    MONTHS.iter().any(|m| {
        (word.len() == 3 || word.len() == m.len() || word.eq_ignore_ascii_case(b"sept"))
            && word.len() <= m.len()
            && m[..word.len()].eq_ignore_ascii_case(word)
    })
}

/// The state and union-territory codes that open India's registration marks (the Motor Vehicles
/// Act's list, with the codes since renamed: OR and OD, UA and UK, DD and DN).
const IN_STATES: &[u8] =
    b"ANAPARASBRCHCGDDDLDNGAGJHRHPJKJHKAKLLALDMPMHMNMLMZNLODORPYPBRJSKTNTSTRUPUKUAWB";

/// Country calling codes (ITU-T E.164) with the lengths of their national significant numbers,
/// for the countries whose numbers SMS gateways and messaging platforms log most; NANP's `1` is
/// the phone rule's.
const CALLING_CODES: &[(&[u8], u8, u8)] = &[
    (b"7", 10, 10),
    (b"20", 10, 10),
    (b"27", 9, 9),
    (b"30", 10, 10),
    (b"31", 9, 9),
    (b"32", 8, 9),
    (b"33", 9, 9),
    (b"34", 9, 9),
    (b"36", 8, 9),
    (b"39", 9, 10),
    (b"40", 9, 9),
    (b"41", 9, 9),
    (b"44", 10, 10),
    (b"45", 8, 8),
    (b"46", 7, 9),
    (b"47", 8, 8),
    (b"48", 9, 9),
    (b"49", 10, 11),
    (b"51", 9, 9),
    (b"52", 10, 10),
    (b"54", 10, 11),
    (b"55", 10, 11),
    (b"56", 9, 9),
    (b"57", 10, 10),
    (b"60", 9, 10),
    (b"61", 9, 9),
    (b"62", 9, 12),
    (b"63", 10, 10),
    (b"64", 8, 10),
    (b"65", 8, 8),
    (b"66", 9, 9),
    (b"81", 10, 10),
    (b"82", 9, 10),
    (b"84", 9, 10),
    (b"86", 11, 11),
    (b"90", 10, 10),
    (b"91", 10, 10),
    (b"92", 10, 10),
    (b"94", 9, 9),
    (b"212", 9, 9),
    (b"233", 9, 9),
    (b"234", 10, 10),
    (b"254", 9, 9),
    (b"255", 9, 9),
    (b"256", 9, 9),
    (b"351", 9, 9),
    (b"353", 9, 9),
    (b"358", 9, 10),
    (b"380", 9, 9),
    (b"880", 10, 10),
    (b"966", 9, 9),
    (b"971", 9, 9),
    (b"972", 9, 9),
];

/// Whether `c` (all digits) is an MSISDN: a calling code of [`CALLING_CODES`] and a national
/// number of that country's length that does not open with the trunk `0`.
fn msisdn(c: &[u8]) -> bool {
    CALLING_CODES.iter().any(|&(cc, min, max)| {
        c.starts_with(cc)
            && (usize::from(min)..=usize::from(max)).contains(&(c.len() - cc.len()))
            && c.get(cc.len()).is_some_and(|&b| b != b'0')
    })
}

/// A DVLA driving licence number (as captured: all sixteen characters): the surname's letters
/// padded with 9s, a birth month of 01-12 (51-62 for a woman) and a day of 01-31, initials that are
/// letters or 9s (a second only after a first).
fn uk_driving_licence(c: &[u8]) -> bool {
    let (surname, rest) = c.split_at(5);
    let letters = surname
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    if letters < 2 || !surname[letters..].iter().all(|&b| b == b'9') {
        return false;
    }
    let month = number(&rest[1..3]);
    let day = number(&rest[3..5]);
    let initial = |b: u8| b.is_ascii_uppercase() || b == b'9';
    ((1..=12).contains(&month) || (51..=62).contains(&month))
        && (1..=31).contains(&day)
        && initial(rest[6])
        && initial(rest[7])
        && !(rest[6] == b'9' && rest[7] != b'9')
}

/// The decimal value of a run of ASCII digits (at most nine, so it fits).
/// Hong Kong's identity card check: one letter (read after a space, worth 36) or two, six digits,
/// weights 9 down to 2, and a check character (`A` for 10) that brings the sum to a multiple of
/// 11.
fn hkid(c: &[u8]) -> bool {
    let (letters, rest) = c.split_at(c.len() - 7);
    let value = |b: u8| u32::from(b - b'A') + 10;
    let (first, second) = match letters {
        [a] => (36, value(*a)),
        [a, b] => (value(*a), value(*b)),
        _ => return false,
    };
    let (digits, check) = rest.split_at(6);
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let check = match check[0] {
        b'A' => 10,
        b @ b'0'..=b'9' => u32::from(b - b'0'),
        _ => return false,
    };
    let sum: u32 = 9 * first
        + 8 * second
        + digits
            .iter()
            .zip((2..=7).rev())
            .map(|(&b, w)| u32::from(b - b'0') * w)
            .sum::<u32>()
        + check;
    sum.is_multiple_of(11)
}

pub(super) fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |n, &b| n * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// A Finnish personal identity code: a valid date in the century its sign names, an individual
/// number of 002-999, and the mod-31 character of the nine digits. 900-999 are the temporary codes
/// that hospitals and the population register give people awaiting a permanent one (python-stdnum
/// takes them with `allow_temporary`); they name a person as much as the others. `c` holds the century letter
/// when it is one (`131052A308T`), not when it is `-` or `+` (a layout's own byte).
fn fi_hetu(c: &[u8]) -> bool {
    let (date, rest) = c.split_at(6);
    let rest = match rest {
        [sign, rest @ ..] if rest.len() == 4 => {
            if !matches!(sign, b'A'..=b'F' | b'U'..=b'Y') {
                return false;
            }
            rest
        }
        rest => rest,
    };
    if rest.len() != 4 || !rest[..3].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let day = number(&date[..2]);
    let month = number(&date[2..4]);
    let individual = number(&rest[..3]);
    let n = number(date) * 1000 + individual;
    (1..=31).contains(&day)
        && (1..=12).contains(&month)
        && (2..1000).contains(&individual)
        && b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(n % 31) as usize] == rest[3]
}

fn dni_letter(n: u32) -> u8 {
    b"TRWAGMYFPDXBNJZSQVHLCKE"[(n % 23) as usize]
}

/// Verhoeff's dihedral check, as used by Aadhaar.
fn verhoeff(digits: &[u8]) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, &b) in digits.iter().rev().enumerate() {
        let Some(v) = b.checked_sub(b'0').filter(|v| *v < 10) else {
            return false;
        };
        c = D[usize::from(c)][usize::from(P[i % 8][usize::from(v)])];
    }
    c == 0
}

/// Italian codice fiscale: month letter, and the check letter over odd and even positions.
fn codice_fiscale(c: &[u8]) -> bool {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    if !b"ABCDEHLMPRST".contains(&c[8]) {
        return false;
    }
    let mut sum = 0u32;
    for (i, &b) in c[..15].iter().enumerate() {
        let v = if b.is_ascii_digit() {
            b - b'0'
        } else {
            b - b'A'
        };
        // Positions are counted from 1: the 1st, 3rd, ... are odd.
        sum += if i % 2 == 0 {
            ODD[usize::from(v)]
        } else {
            u32::from(v)
        };
    }
    c[15] == b'A' + (sum % 26) as u8
}

/// French NIR: sex, year, month, department (`2A`/`2B` for Corsica), commune, order, then a key of
/// 97 minus the first thirteen digits mod 97.
fn nir(c: &[u8]) -> bool {
    let dept = &c[5..7];
    let dept_digits: u64 = match dept {
        b"2A" => 19,
        b"2B" => 18,
        _ if dept.iter().all(u8::is_ascii_digit) => u64::from(number(dept)),
        _ => return false,
    };
    let month = number(&c[3..5]);
    if !matches!(c[0], b'1'..=b'4' | b'7' | b'8') || !(1..=12).contains(&month) && month < 20 {
        return false;
    }
    let head = u64::from(number(&c[..5])) * 100_000_000
        + dept_digits * 1_000_000
        + u64::from(number(&c[7..13]));
    97 - head % 97 == u64::from(number(&c[13..15]))
}

/// German Steuer-IdNr: no leading zero, one digit twice or three times among the first ten, and ISO
/// 7064 MOD 11,10.
fn steuer_id(c: &[u8]) -> bool {
    if c[0] == b'0' {
        return false;
    }
    let mut counts = [0u8; 10];
    for &b in &c[..10] {
        counts[usize::from(b - b'0')] += 1;
    }
    let repeated = counts.iter().filter(|&&n| n > 1).count();
    if repeated != 1 || counts.iter().any(|&n| n > 3) {
        return false;
    }
    let mut p = 10u32;
    for &b in &c[..10] {
        let mut s = (p + u32::from(b - b'0')) % 10;
        if s == 0 {
            s = 10;
        }
        p = 2 * s % 11;
    }
    (11 - p) % 10 == u32::from(c[10] - b'0')
}

/// One compiled layout: its format, rule and gate.
#[derive(Clone, Debug)]
struct Entry {
    format: IdFormat,
    rule: RuleId,
    gate: Gates,
    pattern: &'static [u8],
    alone: bool,
    /// Bytes of the layout before its first digit.
    lead: usize,
    /// The layout is digits only: any run of its length matches it, so its keyword is the test to
    /// make first.
    bare: bool,
    /// How many digits the group after the first one's separator has, when the layout says exactly
    /// (a group of `d` that ends the layout or is followed by a byte that is not a digit); 0 when it
    /// does not. Most digit runs a log has are parts of timestamps, versions and addresses (`2026-11-
    /// 14`, `17.885`, `10.0.1.23`), whose second group has the wrong length for every layout that
    /// their first group and separator let in.
    second: u8,
    /// When `second` is known, the class (`Third`) of the byte after that group: a dotted layout
    /// wants a `.` there, which a duration (`12.34 ms`) does not have.
    third: u8,
    /// A space and a number may follow the identifier (see [`bounded`]): the layout ends in a
    /// letter or check character (`181175-675L 200`), or is a bare number with a check digit
    /// (`9434765870 200`, an id and a status).
    spaced_after: bool,
}

/// What a digit run is glued to on its left, which picks the layouts it may be the first digit
/// group of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Glued {
    /// Nothing: the run starts a word (or follows a byte the layout holds: `(`, `+`, a space).
    No,
    /// A letter (`AB123456C`).
    Letter,
    /// A letter and a dash (`X-2482300-W`, `AB-12-34-56-C`).
    LetterDash,
}

#[cfg(test)]
impl Glued {
    /// How the run at `p` of `input` is glued (as the digit-run handler decides it, for tests).
    pub(crate) fn at(input: &[u8], p: usize) -> Glued {
        let letter = |i: usize| input.get(i).is_some_and(u8::is_ascii_alphabetic);
        if p >= 1 && letter(p - 1) {
            Glued::Letter
        } else if p >= 2 && input[p - 1] == b'-' && letter(p - 2) {
            Glued::LetterDash
        } else {
            Glued::No
        }
    }
}

/// The national identifier rules of a scrubber, indexed by the length of their first digit group.
#[derive(Clone, Debug, Default)]
pub(crate) struct NationalIds {
    entries: Vec<Entry>,
    /// Per digit-run length (up to [`MAX_RUN`]) and byte after the run, the entries whose first
    /// digit group may have that length and be followed by that byte, and whose layout has no
    /// letter right before that group (entered from a run that starts a word).
    plain: LayoutIndex,
    /// The same for layouts with letters right before their first digit group (`AB123456C`).
    lettered: LayoutIndex,
    /// The same for layouts with a letter and a dash before it (`X-2482300-W`): the digit-run
    /// handler passes a run after a word and a dash over as the next segment of a dashed id, so
    /// these are asked for apart.
    dashed: LayoutIndex,
}

/// Layouts by (run length, byte after the run) in one flat table: most digit runs in a log have
/// no layout at all for their length and next byte, and that is two loads to find out.
#[derive(Clone, Debug, Default)]
struct LayoutIndex {
    /// Where each (length, next byte) slot's layouts are in `tries` (start, end); slot 256 of a
    /// length is "the input ends after the run". Slots whose next bytes take the same buckets
    /// (every byte a bare layout may end before) share one range, built once.
    ranges: Vec<(u32, u32)>,
    tries: Vec<Try>,
    /// What each slot's layouts ask of the bytes after the run, summed up (`Slot`).
    slots: Vec<Slot>,
    /// Each slot's `Slot::after` alone, one byte a slot: the test nearly every digit run of a log
    /// gets, from a table that stays in the first-level cache (the slots are 24 bytes each).
    afters: Vec<u8>,
}

/// What all the layouts of one (length, next byte) slot ask of the bytes after the run, so that the
/// runs none of them can take are turned away before the layouts are tried one by one: a dash
/// after four digits is mostly a date (`2026-11-14`), a dot after three a version or an address
/// (`537.36`, `139.0.0.0`), a space after three a unit (`123 ms`), nine digits an invoice number
/// with no keyword before it.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    /// The classes (`After`) of the byte after the next one that some layout takes.
    after: u8,
    /// Bit `n` set: some layout's group after the separator may have `n` digits (all bits set when
    /// some layout does not say).
    second: u32,
    /// When `second` is known, the classes (`Third`) of the byte after the second group that some
    /// layout takes.
    third: u8,
    /// When every layout of the slot is a bare number that needs a keyword, their gates (one
    /// lookup decides them all); 0 otherwise.
    keyword_only: Gates,
}

/// One layout of a slot, with what turns most runs away before the layout is read: the runs a
/// slot lets in (a timestamp's year, an address's first octet) are tried against several layouts
/// each, and reading each layout's [`Entry`] to reject it was most of a national rule's cost. Eight
/// bytes, so a slot's layouts are one or two cache lines.
#[derive(Clone, Copy, Debug)]
struct Try {
    /// Index into `NationalIds::entries`.
    entry: u16,
    /// The classes (`After`) of the byte after the run's next byte that the layout takes.
    after: u8,
    /// [`Entry::second`].
    second: u8,
    /// [`Entry::lead`].
    lead: u8,
    /// Where the layout's last byte is, from its start, and the layout character there: the last
    /// byte decides most of the rest (`12-31 09:15` is not `dd-dd-dddd`).
    last: u8,
    last_want: u8,
    /// The same for the layout's first punctuation after the run's next byte (its last byte when
    /// it has none there): a month's name is a word of a given length (`d Aaaaaa dddd` wants a
    /// space after six letters), and the words after most short runs in a log are not
    /// (`0 Safari/537.36`, `50 HTTP/1.1`), whose last byte fits the layout's.
    mid: u8,
    mid_want: u8,
}

impl Try {
    fn new(entry: usize, e: &Entry, after: Option<u8>) -> Option<Try> {
        let run = e.pattern[e.lead..]
            .iter()
            .take_while(|&&b| b == b'd')
            .count();
        let mid = (e.lead + run + 2..e.pattern.len())
            .find(|&i| !is_class(e.pattern[i]))
            .unwrap_or(e.pattern.len().checked_sub(1)?);
        Some(Try {
            entry: u16::try_from(entry).ok()?,
            after: After::wanted(after),
            second: e.second,
            lead: u8::try_from(e.lead).ok()?,
            last: u8::try_from(e.pattern.len().checked_sub(1)?).ok()?,
            last_want: *e.pattern.last()?,
            mid: u8::try_from(mid).ok()?,
            mid_want: *e.pattern.get(mid)?,
        })
    }
}

/// Classes of the byte after a run's second group, as the layouts ask for it.
struct Third;

impl Third {
    /// A layout that ends with the second group, or asks for a letter or digit there: any byte.
    const ANY: u8 = 1;
    const DOT: u8 = 2;
    const DASH: u8 = 4;
    const SPACE: u8 = 8;
    const SLASH: u8 = 16;
    /// Another byte the layout names (`)`).
    const OTHER: u8 = 32;

    /// The class a layout's byte `want` (after its second group) asks for.
    fn wanted(want: Option<u8>) -> u8 {
        match want {
            None | Some(b'd' | b'A' | b'a' | b'x' | b'K' | b'k') => Third::ANY,
            lit => Third::of(lit) & !Third::ANY,
        }
    }

    /// The classes byte `b` (none: the input ends) may satisfy; `ANY` always.
    #[inline]
    fn of(b: Option<u8>) -> u8 {
        Third::ANY
            | match b {
                None => 0,
                Some(b'.') => Third::DOT,
                Some(b'-') => Third::DASH,
                Some(b' ') => Third::SPACE,
                Some(b'/') => Third::SLASH,
                Some(_) => Third::OTHER,
            }
    }
}

/// Classes of the byte after a run's next byte, as the layouts ask for it (`fits`).
struct After;

impl After {
    /// A layout that ends before that byte: any byte, or none, will do.
    const ANY: u8 = 1;
    const DIGIT: u8 = 2;
    const UPPER: u8 = 4;
    /// The check character `X` (`K` takes a digit or `X`).
    const X: u8 = 8;
    /// Any other byte: a layout's own punctuation (`(dd) dddd`) is tested by its bucket.
    const OTHER: u8 = 16;
    const LOWER: u8 = 32;

    /// The classes a layout character `want` takes.
    fn wanted(want: Option<u8>) -> u8 {
        match want {
            None => After::ANY,
            Some(b'd') => After::DIGIT,
            Some(b'A') => After::UPPER | After::X,
            Some(b'a') => After::LOWER,
            Some(b'x') => After::DIGIT | After::UPPER | After::X,
            Some(b'K') => After::DIGIT | After::X,
            Some(b'k') => After::DIGIT | After::UPPER | After::LOWER,
            // A byte the layout names itself: its own class.
            lit => After::of(lit) & !After::ANY,
        }
    }

    /// The classes byte `b` (none: the input ends) may satisfy; `ANY` always.
    #[inline]
    fn of(b: Option<u8>) -> u8 {
        After::ANY
            | match b {
                None => 0,
                Some(b'0'..=b'9') => After::DIGIT,
                Some(b'X') => After::UPPER | After::X,
                Some(b'A'..=b'Z') => After::UPPER,
                Some(b'a'..=b'z') => After::LOWER,
                Some(_) => After::OTHER,
            }
    }
}

impl LayoutIndex {
    const SLOTS: usize = 257;

    fn slot(len: usize, next: Option<u8>) -> usize {
        len * Self::SLOTS + next.map_or(256, usize::from)
    }

    /// From buckets per run length.
    fn new(by_len: &[Vec<Bucket>], entries: &[Entry]) -> LayoutIndex {
        let mut index = LayoutIndex {
            ranges: Vec::with_capacity(by_len.len() * Self::SLOTS),
            tries: Vec::new(),
            slots: Vec::with_capacity(by_len.len() * Self::SLOTS),
            afters: Vec::with_capacity(by_len.len() * Self::SLOTS),
        };
        for buckets in by_len {
            // The slots built for this length, by the buckets their next byte takes (one bit a
            // bucket; a length with more than 64 buckets builds each slot).
            let mut built: Vec<(u64, (u32, u32), Slot)> = Vec::new();
            for next in (0..=255u8).map(Some).chain([None]) {
                let takes = |b: usize| buckets[b].0.accepts(next);
                let key = (buckets.len() <= 64)
                    .then(|| (0..buckets.len()).fold(0u64, |k, b| k | u64::from(takes(b)) << b));
                let found = key.and_then(|k| built.iter().find(|(t, _, _)| *t == k));
                let (range, slot) = match found {
                    Some(&(_, range, slot)) => (range, slot),
                    None => {
                        let taken: Vec<usize> = (0..buckets.len()).filter(|&b| takes(b)).collect();
                        let start = index.tries.len() as u32;
                        let slot = Self::build_slot(buckets, &taken, entries, &mut index.tries);
                        let range = (start, index.tries.len() as u32);
                        if let Some(k) = key {
                            built.push((k, range, slot));
                        }
                        (range, slot)
                    }
                };
                index.ranges.push(range);
                index.afters.push(slot.after);
                index.slots.push(slot);
            }
        }
        index
    }

    /// The summary of a slot whose next byte takes the buckets `taken`, and its layouts, appended
    /// to `tries`.
    fn build_slot(
        buckets: &[Bucket],
        taken: &[usize],
        entries: &[Entry],
        tries: &mut Vec<Try>,
    ) -> Slot {
        let mut slot = Slot {
            after: 0,
            second: 0,
            third: 0,
            keyword_only: Gates::MAX,
        };
        for (_, after, list) in taken.iter().map(|&b| &buckets[b]) {
            slot.after |= After::wanted(*after);
            for e in list.iter().map(|&i| &entries[i]) {
                slot.second |= match e.second {
                    1..=31 => 1 << e.second,
                    _ => u32::MAX,
                };
                slot.third |= match e.second {
                    1..=31 => e.third,
                    _ => Third::ANY,
                };
                slot.keyword_only = match e.bare && !e.alone {
                    true => slot.keyword_only,
                    false => 0,
                };
            }
            // In bucket order, each bucket's layouts in the order the rules gave them: the first
            // layout that matches is the one recorded.
            tries.extend(
                list.iter()
                    .filter_map(|&i| Try::new(i, &entries[i], *after)),
            );
        }
        if slot.after == 0 {
            Slot::default()
        } else {
            if slot.keyword_only != 0 {
                slot.keyword_only = taken
                    .iter()
                    .flat_map(|&b| buckets[b].2.iter())
                    .fold(0, |g, &i| g | entries[i].gate);
            }
            slot
        }
    }

    /// The slot of a run of `len` digits followed by `next`, when some layout takes that length
    /// and that byte and the byte after it is `after`.
    #[inline]
    fn get(&self, len: usize, next: Option<u8>, after: Option<u8>) -> Option<usize> {
        let slot = Self::slot(len, next);
        self.afters
            .get(slot)
            .is_some_and(|&a| a & After::of(after) != 0)
            .then_some(slot)
    }

    fn tries(&self, slot: usize) -> &[Try] {
        match self.ranges.get(slot) {
            Some(&(from, to)) => self.tries.get(from as usize..to as usize).unwrap_or(&[]),
            None => &[],
        }
    }
}

/// The longest first digit group of any layout: an Argentine CBU written whole (22 digits).
const MAX_RUN: usize = 22;

/// Layouts (entry indices) that expect the same byte after the run and the same layout character
/// one byte further (`None`: the layout ends before), as the index is built: a slot takes the
/// buckets whose byte after the run it has, and each layout's [`Try`] carries the character one
/// byte further as a class (`took 123 ms` ends every `ddd ddd ddd` and `ddd dd dddd` layout).
type Bucket = (Next, Option<u8>, Vec<usize>);

/// What a layout expects right after a digit run of a given length: the byte after a run decides
/// most layouts at once (`2026-` is not `dd.ddd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// The layout ends with the run.
    End,
    /// An upper-case letter (`A`, or `x` once the run has ended).
    Upper,
    /// A lower-case letter (`a`).
    Lower,
    /// The check character `X` (`K`).
    CheckX,
    /// This byte.
    Byte(u8),
}

impl Next {
    fn of(pattern: &[u8], at: usize) -> Option<Next> {
        Some(match pattern.get(at) {
            None => Next::End,
            Some(b'A' | b'x') => Next::Upper,
            Some(b'a') => Next::Lower,
            Some(b'K') => Next::CheckX,
            // The run ended, so a digit cannot follow.
            Some(b'd') => return None,
            Some(&b) => Next::Byte(b),
        })
    }

    fn accepts(self, next: Option<u8>) -> bool {
        match (self, next) {
            (Next::End, _) => true,
            (Next::Upper, Some(b)) => b.is_ascii_uppercase(),
            (Next::Lower, Some(b)) => b.is_ascii_lowercase(),
            (Next::CheckX, Some(b)) => b == b'X',
            (Next::Byte(want), Some(b)) => want == b,
            (_, None) => false,
        }
    }
}

impl NationalIds {
    /// `rules`: each enabled national rule with its format and keyword gate.
    pub fn new(rules: &[(IdFormat, RuleId, Gates)]) -> NationalIds {
        let mut entries = Vec::new();
        let mut plain: Vec<Vec<Bucket>> = vec![Vec::new(); MAX_RUN + 1];
        let mut lettered: Vec<Vec<Bucket>> = vec![Vec::new(); MAX_RUN + 1];
        let mut dashed: Vec<Vec<Bucket>> = vec![Vec::new(); MAX_RUN + 1];
        for &(format, rule, gate) in rules {
            for &(pattern, alone) in format.layouts() {
                let pattern = pattern.as_bytes();
                let Some(lead) = pattern.iter().position(|&b| b == b'd') else {
                    continue;
                };
                let run = pattern[lead..].iter().take_while(|&&b| b == b'd').count();
                // `x`, `K` and `k` may be digits too, so the run may go on through them (and the digits
                // after them: `dddddxxdddddddd` is fifteen digits outside Corsica).
                let longest = pattern[lead..]
                    .iter()
                    .take_while(|&&b| matches!(b, b'd' | b'x' | b'K' | b'k'))
                    .count();
                let letter = |i: usize| matches!(pattern[i], b'A' | b'a' | b'x');
                let glued = if lead > 0 && letter(lead - 1) {
                    Glued::Letter
                } else if lead > 1 && pattern[lead - 1] == b'-' && letter(lead - 2) {
                    Glued::LetterDash
                } else {
                    Glued::No
                };
                // Only for a first group of `d`s alone (its entries are filed under one run length)
                // followed by one separator and a group of `d`s that nothing digit-like extends.
                let (second, third) =
                    if longest == run && pattern.get(lead + run + 1) == Some(&b'd') {
                        let group = &pattern[lead + run + 1..];
                        let k = group.iter().take_while(|&&b| b == b'd').count();
                        match group.get(k) {
                            Some(b'x' | b'K' | b'k') => (0, Third::ANY),
                            after => (u8::try_from(k).unwrap_or(0), Third::wanted(after.copied())),
                        }
                    } else {
                        (0, Third::ANY)
                    };
                let i = entries.len();
                entries.push(Entry {
                    format,
                    rule,
                    gate,
                    pattern,
                    alone,
                    lead,
                    bare: pattern.iter().all(|&b| b == b'd'),
                    second,
                    third,
                    spaced_after: matches!(pattern.last(), Some(b'A' | b'a' | b'x' | b'K' | b'k'))
                        || pattern.iter().all(|&b| b == b'd') && format.checked(),
                });
                let table = match glued {
                    Glued::No => &mut plain,
                    Glued::Letter => &mut lettered,
                    Glued::LetterDash => &mut dashed,
                };
                for (len, slot) in table
                    .iter_mut()
                    .enumerate()
                    .take(longest.min(MAX_RUN) + 1)
                    .skip(run)
                {
                    let Some(next) = Next::of(pattern, lead + len) else {
                        continue;
                    };
                    let after = pattern.get(lead + len + 1).copied();
                    match slot.iter_mut().find(|(n, a, _)| *n == next && *a == after) {
                        Some((_, _, list)) => list.push(i),
                        None => slot.push((next, after, vec![i])),
                    }
                }
            }
        }
        NationalIds {
            plain: LayoutIndex::new(&plain, &entries),
            lettered: LayoutIndex::new(&lettered, &entries),
            dashed: LayoutIndex::new(&dashed, &entries),
            entries,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The layouts entered from a run glued as `glued` says.
    #[inline]
    fn table(&self, glued: Glued) -> &LayoutIndex {
        match glued {
            Glued::No => &self.plain,
            Glued::Letter => &self.lettered,
            Glued::LetterDash => &self.dashed,
        }
    }

    /// Tries the layouts whose first digit group is the run `[p, run_end)`, glued to what is before
    /// it as `glued` says. Records the first identifier found and returns its end.
    ///
    /// Inlined into the digit-run handler: most runs (times, durations, counts) have no layout of
    /// their length followed by their next byte, and are turned away by one table lookup without
    /// a call.
    #[inline]
    pub fn at(
        &self,
        keywords: &KeywordIndex,
        sink: &mut Candidates<'_>,
        p: usize,
        run_end: usize,
        glued: Glued,
    ) -> Option<usize> {
        let table = self.table(glued);
        let input = sink.input;
        let slot = table.get(
            run_end - p,
            input.get(run_end).copied(),
            input.get(run_end + 1).copied(),
        )?;
        self.in_slot(keywords, sink, p, run_end, table, slot)
    }

    /// [`NationalIds::at`] once the run's length and the two bytes after it have left some
    /// layouts: what the slot's layouts ask of the run as a whole first, then each layout.
    #[inline(never)]
    fn in_slot(
        &self,
        keywords: &KeywordIndex,
        sink: &mut Candidates<'_>,
        p: usize,
        run_end: usize,
        table: &LayoutIndex,
        slot: usize,
    ) -> Option<usize> {
        let input = sink.input;
        let Slot {
            second: seconds,
            third,
            keyword_only,
            ..
        } = table.slots.get(slot).copied().unwrap_or_default();
        let mut second = None;
        if seconds != u32::MAX {
            let digits = second_group(input, run_end);
            if digits >= 32
                || seconds & (1 << digits) == 0
                || third & Third::of(input.get(run_end + 1 + digits).copied()) == 0
            {
                return None;
            }
            second = Some(digits);
        }
        if keyword_only != 0 && sink.gates_before(keywords, p, Gates::MAX) & keyword_only == 0 {
            return None;
        }
        self.try_layouts(keywords, sink, p, run_end, table.tries(slot), second)
    }

    /// Tries each layout of `tries` on the run `[p, run_end)`; `second` is the length of the
    /// digit group after the separator when it was counted already.
    fn try_layouts(
        &self,
        keywords: &KeywordIndex,
        sink: &mut Candidates<'_>,
        p: usize,
        run_end: usize,
        tries: &[Try],
        mut second: Option<usize>,
    ) -> Option<usize> {
        let input = sink.input;
        let after = After::of(input.get(run_end + 1).copied());
        for t in tries {
            // What the record says first, the layout itself only for what passes.
            if t.after & after == 0 {
                continue;
            }
            if t.second != 0 {
                let digits = *second.get_or_insert_with(|| second_group(input, run_end));
                if digits != usize::from(t.second) {
                    continue;
                }
            }
            let Some(start) = p.checked_sub(usize::from(t.lead)) else {
                continue;
            };
            if !input
                .get(start + usize::from(t.last))
                .is_some_and(|&b| fits(t.last_want, b))
                || !input
                    .get(start + usize::from(t.mid))
                    .is_some_and(|&b| fits(t.mid_want, b))
            {
                continue;
            }
            let Some(e) = self.entries.get(usize::from(t.entry)) else {
                continue;
            };
            // A bare number tries several keyword-gated layouts (nine digits: SIN, BSN, TFN, ITIN,
            // passport, which has no check digit): its keyword before the layout is read, one
            // lookup for them all.
            if e.bare && !e.alone {
                // Every gate at once: the US detectors ask about the same number next.
                let gates = sink.gates_before(keywords, start, Gates::MAX);
                if gates & e.gate == 0 {
                    continue;
                }
            }
            // Then its neighbours, which do not depend on what is inside: most layouts tried on a
            // PII-heavy line fit the front of a longer grouped number (the first three groups of a
            // card are an Aadhaar layout), and `bounded` rejects those without reading the layout.
            if !bounded(input, start, start + e.pattern.len(), e.spaced_after) {
                continue;
            }
            let Some((end, chars, n)) = match_layout(input, start, e.pattern) else {
                continue;
            };
            if !e.format.check(&chars[..n], &input[start..end], !e.alone) {
                continue;
            }
            // Last the keyword of a layout with separators or letters, once its shape and check
            // passed (a bare layout's was looked up first, above).
            if !e.alone && !e.bare {
                // Every gate at once: the US detectors ask about the same number next.
                let gates = sink.gates_before(keywords, start, Gates::MAX);
                if gates & e.gate == 0 {
                    continue;
                }
            }
            sink.push(start, end, e.rule);
            return Some(end);
        }
        None
    }
}

/// How many digits follow the byte after the run ending at `run_end` (the group after a
/// separator), up to 255: more than any layout's group.
fn second_group(input: &[u8], run_end: usize) -> usize {
    let from = (run_end + 1).min(input.len());
    input[from..]
        .iter()
        .take(usize::from(u8::MAX))
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// Whether byte `b` fits the layout character `want`: one load for the classes (`d`, `A`, `a`,
/// `x`, `K`, `k`), a comparison for a layout's own punctuation. Tried on most short runs of a log
/// (each slot's layouts are filtered by their last byte), so a table instead of a call.
#[inline]
fn fits(want: u8, b: u8) -> bool {
    match FIT_CLASS[usize::from(want)] {
        0 => b == want,
        class => FIT_BYTE[usize::from(b)] & class != 0,
    }
}

/// Whether a layout character is a class (`d`, `A`, `a`, `x`, `K`, `k`) rather than a byte the
/// layout names itself.
fn is_class(ch: u8) -> bool {
    FIT_CLASS[usize::from(ch)] != 0
}

/// The bit each layout class character stands for (0: the character is literal).
static FIT_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'd' as usize] = 1;
    t[b'A' as usize] = 2;
    t[b'a' as usize] = 4;
    t[b'x' as usize] = 8;
    t[b'K' as usize] = 16;
    t[b'k' as usize] = 32;
    t
};

/// The classes (`FIT_CLASS` bits) each byte fits.
static FIT_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let digit = c.is_ascii_digit();
        let upper = c.is_ascii_uppercase();
        let lower = c.is_ascii_lowercase();
        t[b] = (digit as u8)
            | (upper as u8) << 1
            | (lower as u8) << 2
            | ((upper || digit) as u8) << 3
            | ((digit || c == b'X') as u8) << 4
            | ((digit || c == b'K' || c == b'k') as u8) << 5;
        b += 1;
    }
    t
};

/// Matches `pattern` at `start`; returns the end and the captured characters, letters in capitals
/// (the checks know the issuers' alphabets, which are upper case).
fn match_layout(input: &[u8], start: usize, pattern: &[u8]) -> Option<(usize, [u8; 24], usize)> {
    let text = input.get(start..start + pattern.len())?;
    let mut chars = [0u8; 24];
    let mut n = 0;
    for (&b, &p) in text.iter().zip(pattern) {
        if !fits(p, b) {
            return None;
        }
        if is_class(p) {
            if n == chars.len() {
                return None;
            }
            chars[n] = b.to_ascii_uppercase();
            n += 1;
        }
    }
    Some((start + pattern.len(), chars, n))
}

/// The identifier stands alone: not glued to a word, an id (`blk_`), or a longer grouped number on
/// either side. With `spaced_after` (see `Entry`) a number may follow after a space: there the space
/// ends the identifier (`nhs-number|9434765870 200`, an id and a status), where after a spaced
/// layout of digits it may be the next group of a longer number (the first three groups of a card
/// are an Aadhaar layout), and after a bare one without a check digit a count or an epoch.
fn bounded(input: &[u8], start: usize, end: usize, spaced_after: bool) -> bool {
    let digit_at = |i: usize| input.get(i).is_some_and(u8::is_ascii_digit);
    if start > 0 {
        let prev = input[start - 1];
        // After `+` a number is E.164, the phone rule's; but after a word and `+` it is a word of
        // a form-encoded body (`code+is+482913`, where `+` is a space).
        let form_space = prev == b'+' && start >= 2 && input[start - 2].is_ascii_alphabetic();
        if word_before(prev) || prev == b'_' || prev == b'+' && !form_space {
            return false;
        }
        if matches!(prev, b' ' | b'-' | b'.' | b'/') && start >= 2 && digit_at(start - 2) {
            return false;
        }
    }
    if let Some(next) = input.get(end) {
        if word_after(next) || *next == b'_' {
            return false;
        }
        if matches!(next, b' ' | b'-' | b'.' | b'/')
            && digit_at(end + 1)
            && !(spaced_after && *next == b' ')
        {
            return false;
        }
    }
    true
}

#[cfg(test)]
impl NationalIds {
    /// [`NationalIds::at`] without the slot summaries: every layout of the run's length and next
    /// byte is tried (the reference the summaries are tested against).
    fn at_every_layout(
        &self,
        keywords: &KeywordIndex,
        sink: &mut Candidates<'_>,
        p: usize,
        run_end: usize,
        glued: Glued,
    ) -> Option<usize> {
        let table = self.table(glued);
        let slot = LayoutIndex::slot(run_end - p, sink.input.get(run_end).copied());
        self.try_layouts(keywords, sink, p, run_end, table.tries(slot), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slot summaries (`Slot`: the byte after the separator, the next group's length and the
    /// byte after it, one keyword lookup for bare numbers) turn away only runs that no layout
    /// takes: on 200,000
    /// generated lines, every layout of every format filled at random (whole, cut short, one
    /// character changed), behind keywords, letters or nothing and before the bytes logs put
    /// there, `at` finds at every digit run what trying every layout finds.
    #[test]
    fn slot_summaries_turn_away_only_what_no_layout_takes() {
        let scrubber = super::super::every_rule_on();
        let d = scrubber.detectors();
        let mut rng = crate::test_rand::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let mut rand = |n: usize| rng.below(n);
        let leads = [
            "",
            "id ",
            "ssn: ",
            "aadhaar ",
            "passport no ",
            "phone ",
            "tel: ",
            "dob=",
            "date of birth ",
            "bsn ",
            "tfn ",
            "sin ",
            "nhs number ",
            "medicare ",
            "pesel ",
            "cpf ",
            "steuer-id ",
            "abn ",
            "personnummer ",
            "cpr=",
            "hetu ",
            "fnr: ",
            "rut ",
            "cuit ",
            "my number ",
            "insz=",
            "tckn=",
            "ahv ",
            "id number ",
            "nino=",
            "national insurance ",
            "x",
            "AB",
            "+",
            "(",
            "-",
            "1 ",
            "12.",
        ];
        let tails = [
            "", " ", "\n", "T", "-", "-1", ".5", "/2026", " 12", "X", "a", " ms", "0",
        ];
        let layouts: Vec<&[u8]> = IdFormat::ALL
            .iter()
            .flat_map(|(_, f)| f.layouts().iter().map(|(p, _)| p.as_bytes()))
            .collect();
        let (mut runs, mut found) = (0, 0);
        for _ in 0..200_000 {
            let mut line = leads[rand(leads.len())].as_bytes().to_vec();
            let layout = layouts[rand(layouts.len())];
            let keep = if rand(4) == 0 {
                rand(layout.len() + 1)
            } else {
                layout.len()
            };
            for &c in &layout[..keep] {
                let digit = b'0' + rand(10) as u8;
                let upper = b'A' + rand(26) as u8;
                line.push(match c {
                    b'd' => digit,
                    b'A' => upper,
                    b'a' => upper.to_ascii_lowercase(),
                    b'x' if rand(2) == 0 => digit,
                    b'x' => upper,
                    b'K' if rand(10) == 0 => b'X',
                    b'K' => digit,
                    b'k' if rand(10) == 0 => b'K',
                    b'k' if rand(20) == 0 => b'k',
                    b'k' => digit,
                    other => other,
                });
            }
            if rand(4) == 0 && !line.is_empty() {
                let at = rand(line.len());
                line[at] = b" -./0Aa"[rand(7)];
            }
            line.extend_from_slice(tails[rand(tails.len())].as_bytes());
            for p in 0..line.len() {
                if !line[p].is_ascii_digit() || p > 0 && line[p - 1].is_ascii_digit() {
                    continue;
                }
                let run_end = (p..line.len())
                    .find(|&i| !line[i].is_ascii_digit())
                    .unwrap_or(line.len());
                let glued = Glued::at(&line, p);
                let (mut fast, mut every) = (Vec::new(), Vec::new());
                let got = d.national.at(
                    &d.keywords,
                    &mut Candidates::new(&line, &mut fast),
                    p,
                    run_end,
                    glued,
                );
                let want = d.national.at_every_layout(
                    &d.keywords,
                    &mut Candidates::new(&line, &mut every),
                    p,
                    run_end,
                    glued,
                );
                assert_eq!(
                    (got, fast),
                    (want, every),
                    "{:?}",
                    String::from_utf8_lossy(&line)
                );
                runs += 1;
                found += usize::from(want.is_some());
            }
        }
        assert!(runs > 400_000 && found > 500, "{runs} runs, {found} found");
    }

    fn valid(format: IdFormat, value: &str) -> bool {
        for &(pattern, _) in format.layouts() {
            if let Some((end, chars, n)) = match_layout(value.as_bytes(), 0, pattern.as_bytes())
                && end == value.len()
            {
                return format.check(&chars[..n], value.as_bytes(), false);
            }
        }
        false
    }

    /// libphonenumber's example numbers of the countries without a trunk prefix, in their national
    /// layouts, pass; the same shapes with a trunk 0, placeholders and years do not.
    #[test]
    fn numbers_without_a_trunk_prefix() {
        for good in [
            "612 34 56 78",
            "912 345 678",
            "512 345 678",
            "12 345 67 89",
            "312 123 4567",
            "222 123 4567",
            "131 2345 6789",
            "321 1234567",
            "8123 4567",
            "(2) 2123 4567",
            "9 6123 4567",
            "32 12 34 56",
            "406 12 345",
            "8 (912) 345-67-89",
            "8 912 345-67-89",
            "612345678",
        ] {
            assert!(valid(IdFormat::PhoneNationalBare, good), "{good}");
        }
        for bad in [
            "012 34 56 78",
            "0000 1234",
            "1234 5678",
            "2026 1123",
            "12 34 56 78",
            "231 2345 6789",
            "0 (912) 345-67-89",
            "012345678",
            "61234567",
            "415 555 0132",
            "415-555-0132",
        ] {
            assert!(!valid(IdFormat::PhoneNationalBare, bad), "{bad}");
        }
    }

    /// The synthetic examples of `shared/reference/catalog.md`, validated there with python-stdnum.
    #[test]
    fn catalog_examples_pass_and_one_digit_off_fails() {
        let cases = [
            (IdFormat::UkNhs, "246 813 5792", "246 813 5793"),
            (IdFormat::CaSin, "246 813 570", "246 813 571"),
            (IdFormat::InAadhaar, "2468 1357 9137", "2468 1357 9138"),
            (IdFormat::BrCpf, "246.813.579-28", "246.813.579-29"),
            (IdFormat::BrCnpj, "13.579.246/0001-01", "13.579.246/0001-02"),
            (IdFormat::EsDni, "24681357B", "24681357C"),
            (IdFormat::EsNie, "Y1357924H", "Y1357924J"),
            (
                IdFormat::ItCodiceFiscale,
                "XXXYYY85B03H501O",
                "XXXYYY85B03H501P",
            ),
            (IdFormat::PlPesel, "85020312340", "85020312341"),
            (IdFormat::FrNir, "185027512345625", "185027512345626"),
            (IdFormat::FrNir, "185022A12345682", "185022A12345683"),
            (IdFormat::DeSteuerId, "86 123 457 982", "86 123 457 983"),
            (IdFormat::NlBsn, "135792460", "135792461"),
            (IdFormat::AuTfn, "246 813 575", "246 813 576"),
            (IdFormat::AuAbn, "78 246 813 579", "78 246 813 578"),
            (IdFormat::AuMedicare, "2468 13576 1", "2468 13577 1"),
            (IdFormat::SgNric, "S0246813A", "S0246813B"),
            (IdFormat::SgNric, "T0246813H", "T0246813A"),
            (IdFormat::SgNric, "F0246813K", "F0246813A"),
            (IdFormat::SgNric, "G0246813T", "G0246813A"),
            (IdFormat::SgNric, "M0246813U", "M0246813A"),
            (IdFormat::KrRrn, "850203-1234569", "850203-1234568"),
            (
                IdFormat::CnResidentId,
                "110105198502031237",
                "110105198502031238",
            ),
            (IdFormat::MxCurp, "XEXX850203HDFXXX05", "XEXX850203HDFXXX06"),
            (IdFormat::UsItin, "912-70-1234", "912-49-1234"),
            (IdFormat::UkNino, "AB123456C", "QD123456C"),
            // ASIC's example (000 000 019); the others computed with the issuers' published
            // checks (ASIC's weights, the TNIN's mod 11, DEA's odd-plus-twice-even digit).
            (IdFormat::AuAcn, "000 000 019", "000 000 018"),
            (IdFormat::AuAcn, "005499981", "005499982"),
            (IdFormat::ThTnin, "3102001968756", "3102001968757"),
            (IdFormat::ThTnin, "1-1017-00203-41-7", "1-1017-00203-41-8"),
            (IdFormat::UsDea, "BE1234563", "BE1234564"),
            (IdFormat::UsDea, "F91234563", "F91234562"),
            (IdFormat::InVehicle, "KA53ME3456", "QQ53ME3456"),
            (IdFormat::ItDriverLicense, "U1H00B000C", "U1A00B000C"),
            (IdFormat::ItIdentityCard, "CA12345AA", "XY12345AA"),
            // python-stdnum's `it.iva` example; DVLA's specimen licence; HMRC's check computed.
            (IdFormat::ItVat, "00743110157", "00743110158"),
            (IdFormat::ItVat, "IT00743110157", "IT00743110156"),
            (
                IdFormat::UkDrivingLicence,
                "MORGA753116SM9IJ",
                "MORGA713116SM9IJ",
            ),
            (
                IdFormat::UkDrivingLicence,
                "LEE99657059J99AB",
                "LEE99657359J99AB",
            ),
            (IdFormat::UkUtr, "1955839661", "1955839662"),
            // Banxico's and BCRA's published examples (as Wikipedia gives them).
            (
                IdFormat::MxClabe,
                "032180000118359719",
                "032180000118359718",
            ),
            (
                IdFormat::MxClabe,
                "002010077777777771",
                "002010077777777772",
            ),
            (
                IdFormat::ArCbu,
                "2850590940090418135201",
                "2850590940090418135202",
            ),
            (
                IdFormat::ArCbu,
                "0110599520000001235579",
                "0110599520000001235578",
            ),
            // 3GPP TS 23.003's example IMEI, and GSMA's print form of another.
            (IdFormat::Imei, "490154203237518", "490154203237519"),
            (IdFormat::Imei, "35-209900-176148-1", "35-209900-176148-2"),
            (IdFormat::DeIdDocument, "C01X00T478", "C01X00T479"),
            (IdFormat::DeSvnr, "12150485M004", "12150485M005"),
            (IdFormat::DeSvnr, "12 150485 M 004", "12 150485 M 003"),
            (IdFormat::UsNpi, "1234567893", "1234567894"),
            (IdFormat::InGstin, "27AAPFU0939F1ZV", "27AAPFU0939F1ZW"),
            (
                IdFormat::KrDriverLicense,
                "13-22-123456-12",
                "31-22-123456-12",
            ),
            (IdFormat::KrRrn, "911124-5678906", "911124-5678905"),
            (IdFormat::CardExpiry, "12/28", "13/28"),
            (IdFormat::CardExpiry, "09/2027", "09/1927"),
            (IdFormat::CardExpiry, "09-2027", "09-2057"),
            (IdFormat::CardExpiry, "03/15", "03/12"),
            (IdFormat::DriverLicense, "B072RRE2I55", "B000RRE0I00"),
            (IdFormat::UsHicn, "123-45-6789A", "666-45-6789A"),
            (IdFormat::UsHicn, "123456789B1", "123456789Z1"),
            (IdFormat::EsNuss, "281234567840", "281234567841"),
            (IdFormat::EsNuss, "08 01234567 74", "08 01234567 75"),
            (IdFormat::FrSpi, "3023217600053", "3023217600054"),
            (IdFormat::FrSpi, "30 23 217 600 053", "40 23 217 600 053"),
            (IdFormat::NgBvn, "22123456789", "22222222222"),
            (IdFormat::IdNik, "3174011505900001", "3174013505900001"),
            (IdFormat::IdNik, "3174015505900001", "9974015505900001"),
            (IdFormat::IdNik, "3174017105900001", "3174018505900001"),
            (IdFormat::PkCnic, "35202-1234567-1", "85202-1234567-1"),
            (
                IdFormat::AeEmiratesId,
                "784-1968-6570305-0",
                "784-1968-6570305-1",
            ),
            (IdFormat::AeEmiratesId, "784198012345678", "785198012345678"),
            (IdFormat::MyMykad, "770812-14-5027", "771312-14-5027"),
            (IdFormat::MyMykad, "770812-14-5027", "770812-17-5027"),
            (IdFormat::HkHkid, "A123456(3)", "A123456(4)"),
            (IdFormat::HkHkid, "AB987654(3)", "AB987654(2)"),
            (IdFormat::HkHkid, "Z683365(A)", "Z683365(0)"),
            (IdFormat::HkHkid, "K1234560", "K1234561"),
            // Generated and checked with python-stdnum.
            (IdFormat::SePersonnummer, "600313-0181", "600313-0182"),
            (IdFormat::SePersonnummer, "196707033186", "196707033187"),
            (IdFormat::ZaId, "9710270751063", "9710270751064"),
            (IdFormat::ChAhv, "756.8387.3716.78", "756.8387.3716.79"),
            (IdFormat::TrKimlik, "74008599798", "74008599799"),
            (IdFormat::DkCpr, "160244-4228", "320244-4228"),
            (IdFormat::FiHetu, "181175-675L", "181175-675M"),
            (IdFormat::FiHetu, "061257A236V", "061257A236W"),
            (IdFormat::FiHetu, "131052-308T", "131052G308T"),
            (IdFormat::FiHetu, "010594Y9032", "010594Y001Y"),
            (IdFormat::NoFodselsnummer, "26068923335", "26068923336"),
            (IdFormat::ClRut, "12.015.177-0", "12.015.177-1"),
            (IdFormat::ClRut, "8.114.052-9", "8.114.052-8"),
            (IdFormat::ArCuit, "30-86118747-7", "30-86118747-8"),
            (IdFormat::JpMyNumber, "7601 3643 0917", "7601 3643 0918"),
            (IdFormat::BeNn, "98.11.13-123.70", "98.11.13-123.71"),
            (IdFormat::BeNn, "85.07.30-033 28", "85.07.30-033 29"),
        ];
        for (format, good, bad) in cases {
            assert!(valid(format, good), "{format:?} {good}");
            assert!(!valid(format, bad), "{format:?} {bad}");
        }
    }

    /// Every layout is tried from some slot: a `Try` that could not be built (an index or offset
    /// past its field's range) would leave its layout silently untried.
    #[test]
    fn every_layout_is_tried_from_some_slot() {
        let scrubber = super::super::every_rule_on();
        let national = &scrubber.detectors().national;
        let mut tried = vec![false; national.entries.len()];
        let tables = [&national.plain, &national.lettered, &national.dashed];
        for t in tables.iter().flat_map(|table| &table.tries) {
            tried[usize::from(t.entry)] = true;
        }
        assert!(national.entries.len() > 100, "{}", national.entries.len());
        let untried: Vec<&str> = national
            .entries
            .iter()
            .zip(&tried)
            .filter(|(_, t)| !**t)
            .map(|(e, _)| std::str::from_utf8(e.pattern).unwrap_or("?"))
            .collect();
        assert!(untried.is_empty(), "untried layouts: {untried:?}");
    }

    /// The second group's length is known only where the layout fixes it.
    #[test]
    fn second_groups() {
        let ids = NationalIds::new(&[
            (IdFormat::BrCnpj, RuleId(0), 0),
            (IdFormat::UkNhs, RuleId(1), 0),
            (IdFormat::FrNir, RuleId(2), 0),
        ]);
        let second = |pattern: &str| {
            ids.entries
                .iter()
                .find(|e| e.pattern == pattern.as_bytes())
                .map(|e| e.second)
        };
        // `dd.ddd…`: three digits, then `.`; entered at `dddd` of `…/dddd-dd`: two, then the end.
        assert_eq!(second("dd.ddd.ddd/dddd-dd"), Some(3));
        assert_eq!(second("xx.xxx.xxx/dddd-dd"), Some(2));
        assert_eq!(second("ddd ddd dddd"), Some(3));
        // Bare: no second group. `d dd dd …`: its second group `dd` ends at a space. `dddddxx…`:
        // the run may go on through `x`, so its length is not fixed.
        assert_eq!(second("dddddddddd"), Some(0));
        assert_eq!(second("d dd dd xx ddd ddd dd"), Some(2));
        assert_eq!(second("dddddxxdddddddd"), Some(0));
    }

    #[test]
    fn fits_table_agrees_with_the_classes_on_every_byte() {
        let reference = |want: u8, b: u8| match want {
            b'd' => b.is_ascii_digit(),
            b'A' => b.is_ascii_uppercase(),
            b'a' => b.is_ascii_lowercase(),
            b'x' => b.is_ascii_uppercase() || b.is_ascii_digit(),
            b'K' => b.is_ascii_digit() || b == b'X',
            b'k' => b.is_ascii_digit() || b == b'K' || b == b'k',
            _ => b == want,
        };
        for want in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!(
                    fits(want, b),
                    reference(want, b),
                    "want {want:#04x}, byte {b:#04x}"
                );
            }
        }
    }

    #[test]
    fn verhoeff_known_value() {
        // The textbook example: 236 gets check digit 3.
        assert!(verhoeff(b"2363"));
        assert!(!verhoeff(b"2364"));
    }

    #[test]
    fn boundaries() {
        assert!(bounded(b"cpf 246.813.579-28 ok", 4, 18, false));
        assert!(!bounded(b"x246.813.579-28", 1, 15, false));
        assert!(
            !bounded(b"12 246 813 570", 3, 14, false),
            "a longer grouped number"
        );
        assert!(
            !bounded(b"aadhaar 2345 6789 0123 4567", 8, 22, false),
            "the front of a card"
        );
        // A compact number before a space and a number: two tokens (an id, a status).
        assert!(bounded(b"nhs|9434765870 200", 4, 14, true));
        assert!(!bounded(b"nhs|9434765870-200", 4, 14, true));
    }
}
