//! The Amazon EKS Kubernetes release calendar: when each minor version's standard and
//! extended support end.
//!
//! Source: <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>
//! ("Amazon EKS Kubernetes release calendar"), as published around [`AS_OF`] (cross-read with
//! <https://endoflife.date/amazon-eks>). A version newer
//! than the newest listed here is judged supported (EKS offers only versions in support); a
//! version older than the oldest listed is past every support. Update the table when AWS
//! publishes a new version.

use chrono::NaiveDate;

/// The date the table was taken from the source.
pub const AS_OF: &str = "2026-02-14";

/// One minor version: (version, released on EKS, end of standard support, end of extended
/// support).
pub type Release = (&'static str, &'static str, &'static str, &'static str);

pub const RELEASES: &[Release] = &[
    ("1.23", "2022-08-11", "2023-10-11", "2024-10-11"),
    ("1.24", "2022-11-15", "2024-01-31", "2025-01-31"),
    ("1.25", "2023-02-21", "2024-05-01", "2025-05-01"),
    ("1.26", "2023-04-11", "2024-06-11", "2025-06-11"),
    ("1.27", "2023-05-24", "2024-07-24", "2025-07-24"),
    ("1.28", "2023-09-26", "2024-11-26", "2025-11-26"),
    ("1.29", "2024-01-23", "2025-03-23", "2026-03-23"),
    ("1.30", "2024-05-23", "2025-07-23", "2026-07-23"),
    ("1.31", "2024-09-26", "2025-11-26", "2026-11-26"),
    ("1.32", "2025-01-23", "2026-03-23", "2027-03-23"),
    ("1.33", "2025-05-29", "2026-07-29", "2027-07-29"),
    ("1.34", "2025-10-02", "2026-12-02", "2027-12-02"),
    ("1.35", "2026-01-27", "2027-03-27", "2028-03-27"),
];

/// Where a version stands on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support {
    Standard { until: NaiveDate },
    Extended { since: NaiveDate, until: NaiveDate },
    Ended { since: NaiveDate },
    /// Newer than the newest version of the calendar.
    NewerThanCalendar,
    /// Older than the oldest version of the calendar: past every support.
    OlderThanCalendar,
}

/// `(major, minor)` of `1.33` or `1.33.5` or `v1.33`; `None` for anything else.
pub fn minor(version: &str) -> Option<(u32, u32)> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    Some((major, minor))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("the calendar's dates are valid")
}

/// Where `version` stands on `today`; `None` when the version cannot be read.
pub fn support(version: &str, today: NaiveDate) -> Option<Support> {
    let wanted = minor(version)?;
    let known: Vec<((u32, u32), &Release)> = RELEASES.iter().map(|r| (minor(r.0).expect("calendar versions parse"), r)).collect();
    if let Some(&(_, &(_, _, standard, extended))) = known.iter().find(|(v, _)| *v == wanted) {
        let (standard, extended) = (date(standard), date(extended));
        return Some(if today < standard {
            Support::Standard { until: standard }
        } else if today < extended {
            Support::Extended { since: standard, until: extended }
        } else {
            Support::Ended { since: extended }
        });
    }
    let newest = known.iter().map(|(v, _)| *v).max()?;
    Some(if wanted > newest { Support::NewerThanCalendar } else { Support::OlderThanCalendar })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calendar_is_ordered_and_consistent() {
        let mut previous = (0, 0);
        for &(v, released, standard, extended) in RELEASES {
            let m = minor(v).unwrap();
            assert!(m > previous, "{v} out of order");
            previous = m;
            assert!(date(released) < date(standard) && date(standard) < date(extended), "{v}");
        }
        date(AS_OF);
    }

    #[test]
    fn support_on_a_date() {
        let day = date("2026-12-07");
        assert_eq!(support("1.35", day), Some(Support::Standard { until: date("2027-03-27") }));
        assert_eq!(support("1.34", day), Some(Support::Extended { since: date("2026-12-02"), until: date("2027-12-02") }));
        assert_eq!(support("1.31", day), Some(Support::Ended { since: date("2026-11-26") }));
        assert_eq!(support("1.36", day), Some(Support::NewerThanCalendar));
        assert_eq!(support("2.0", day), Some(Support::NewerThanCalendar));
        assert_eq!(support("1.21", day), Some(Support::OlderThanCalendar));
        assert_eq!(support("v1.33.5-eks", day), support("1.33", day));
        assert_eq!(support("latest", day), None);
        assert_eq!(support("", day), None);
    }
}
