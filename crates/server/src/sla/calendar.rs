//! Business calendars: which days count for the response clock in a
//! marketplace's country and time zone, and how business time adds up.
//!
//! Movable feasts come from the date of Easter (the `computus` crate);
//! fixed-weekday feasts (Midsummer, All Saints' Day) and King's Day's Sunday
//! rule are computed per year, so no year is hard-coded. All arithmetic runs
//! in the marketplace's time zone, so days start at local midnight whatever
//! daylight-saving time does.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// A country whose public holidays claimdesk knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Country {
    Sweden,
    Netherlands,
}

impl std::str::FromStr for Country {
    type Err = String;
    /// ISO 3166 alpha-2, as marketplaces store it.
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        match code {
            "SE" => Ok(Country::Sweden),
            "NL" => Ok(Country::Netherlands),
            other => Err(format!("no business calendar for country {other:?}")),
        }
    }
}

/// Why a day does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayOff {
    Weekend,
    /// A public holiday, by its name in the country's language.
    Holiday(&'static str),
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date")
}

/// The first `weekday` on or after `date`.
fn weekday_from(date: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date + Duration::days(i64::from(ahead))
}

/// The public holidays of `country` in `year`, with their names.
pub fn holidays(country: Country, year: i32) -> Vec<(NaiveDate, &'static str)> {
    // Easter is defined for every year the Gregorian calendar covers; a year
    // outside it has no movable feasts to add.
    let easter = computus::gregorian_naive(year).ok();
    let from_easter =
        |days: i64, name: &'static str| easter.map(|e| (e + Duration::days(days), name));
    let mut days: Vec<(NaiveDate, &'static str)> = match country {
        Country::Sweden => [
            Some((ymd(year, 1, 1), "Nyårsdagen")),
            Some((ymd(year, 1, 6), "Trettondedag jul")),
            from_easter(-2, "Långfredagen"),
            from_easter(0, "Påskdagen"),
            from_easter(1, "Annandag påsk"),
            Some((ymd(year, 5, 1), "Första maj")),
            from_easter(39, "Kristi himmelsfärdsdag"),
            from_easter(49, "Pingstdagen"),
            Some((ymd(year, 6, 6), "Sveriges nationaldag")),
            // Midsummer Eve is the Friday of 19–25 June; it is a de facto
            // holiday on which no business answers.
            Some((
                weekday_from(ymd(year, 6, 19), Weekday::Fri),
                "Midsommarafton",
            )),
            Some((
                weekday_from(ymd(year, 6, 20), Weekday::Sat),
                "Midsommardagen",
            )),
            Some((
                weekday_from(ymd(year, 10, 31), Weekday::Sat),
                "Alla helgons dag",
            )),
            Some((ymd(year, 12, 24), "Julafton")),
            Some((ymd(year, 12, 25), "Juldagen")),
            Some((ymd(year, 12, 26), "Annandag jul")),
            Some((ymd(year, 12, 31), "Nyårsafton")),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Country::Netherlands => {
            // King's Day is 27 April, moved to the 26th when the 27th is a Sunday.
            let kings_day = match ymd(year, 4, 27) {
                d if d.weekday() == Weekday::Sun => ymd(year, 4, 26),
                d => d,
            };
            let mut days: Vec<_> = [
                Some((ymd(year, 1, 1), "Nieuwjaarsdag")),
                from_easter(-2, "Goede Vrijdag"),
                from_easter(0, "Eerste Paasdag"),
                from_easter(1, "Tweede Paasdag"),
                Some((kings_day, "Koningsdag")),
                from_easter(39, "Hemelvaartsdag"),
                from_easter(49, "Eerste Pinksterdag"),
                from_easter(50, "Tweede Pinksterdag"),
                Some((ymd(year, 12, 25), "Eerste Kerstdag")),
                Some((ymd(year, 12, 26), "Tweede Kerstdag")),
            ]
            .into_iter()
            .flatten()
            .collect();
            // Liberation Day is a national day off every fifth year.
            if year % 5 == 0 {
                days.push((ymd(year, 5, 5), "Bevrijdingsdag"));
            }
            days
        }
    };
    days.sort();
    days
}

/// A marketplace's business calendar.
#[derive(Clone, Copy, Debug)]
pub struct Calendar {
    pub country: Country,
    pub time_zone: Tz,
}

impl Calendar {
    pub fn new(country: Country, time_zone: Tz) -> Calendar {
        Calendar { country, time_zone }
    }

    /// Why `date` does not count, or `None` for a business day.
    pub fn day_off(&self, date: NaiveDate) -> Option<DayOff> {
        if let Some((_, name)) = holidays(self.country, date.year())
            .into_iter()
            .find(|(d, _)| *d == date)
        {
            return Some(DayOff::Holiday(name));
        }
        matches!(date.weekday(), Weekday::Sat | Weekday::Sun).then_some(DayOff::Weekend)
    }

    /// The local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// The instant local `date` begins. (No European zone skips midnight;
    /// should one, the day begins an hour later.)
    pub fn start_of(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        let one_am = date.and_hms_opt(1, 0, 0).expect("1 am exists");
        self.time_zone
            .from_local_datetime(&midnight)
            .earliest()
            .or_else(|| self.time_zone.from_local_datetime(&one_am).earliest())
            .expect("a local day has a start")
            .with_timezone(&Utc)
    }

    /// The instant `business` time after `start`, counting only the time of
    /// business days, and the days it skipped (in order, each once).
    pub fn add(
        &self,
        start: DateTime<Utc>,
        business: Duration,
    ) -> (DateTime<Utc>, Vec<(NaiveDate, DayOff)>) {
        let mut at = start;
        let mut remaining = business;
        let mut skipped = Vec::new();
        loop {
            let date = self.local_date(at);
            let next_day = self.start_of(date.succ_opt().expect("a next day"));
            if let Some(off) = self.day_off(date) {
                skipped.push((date, off));
                at = next_day;
                continue;
            }
            let left_today = next_day - at;
            if remaining <= left_today {
                return (at + remaining, skipped);
            }
            remaining -= left_today;
            at = next_day;
        }
    }

    /// Business time between two instants (zero if `to` is not after `from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        let mut at = from;
        while at < to {
            let date = self.local_date(at);
            let next_day = self.start_of(date.succ_opt().expect("a next day"));
            let end = next_day.min(to);
            if self.day_off(date).is_none() {
                total += end - at;
            }
            at = end;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::{Amsterdam, Stockholm};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn se() -> Calendar {
        Calendar::new(Country::Sweden, Stockholm)
    }
    fn nl() -> Calendar {
        Calendar::new(Country::Netherlands, Amsterdam)
    }
    /// A local wall-clock time in the calendar's zone, as UTC.
    fn local(cal: &Calendar, s: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        cal.time_zone
            .from_local_datetime(&naive)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }
    fn show(cal: &Calendar, at: DateTime<Utc>) -> String {
        at.with_timezone(&cal.time_zone)
            .format("%Y-%m-%d %H:%M %a")
            .to_string()
    }

    #[test]
    fn movable_and_fixed_weekday_holidays() {
        let table = [
            (Country::Sweden, 2026, "2026-04-03", Some("Långfredagen")),
            (Country::Sweden, 2026, "2026-04-06", Some("Annandag påsk")),
            (
                Country::Sweden,
                2026,
                "2026-05-14",
                Some("Kristi himmelsfärdsdag"),
            ),
            (Country::Sweden, 2026, "2026-06-19", Some("Midsommarafton")),
            (Country::Sweden, 2025, "2025-06-20", Some("Midsommarafton")),
            (Country::Sweden, 2027, "2027-06-25", Some("Midsommarafton")),
            (
                Country::Sweden,
                2026,
                "2026-10-31",
                Some("Alla helgons dag"),
            ),
            (Country::Sweden, 2026, "2026-06-18", None),
            (Country::Netherlands, 2026, "2026-04-27", Some("Koningsdag")),
            // 27 April 2025 was a Sunday: King's Day moved to Saturday the 26th.
            (Country::Netherlands, 2025, "2025-04-26", Some("Koningsdag")),
            (Country::Netherlands, 2025, "2025-04-27", None),
            (
                Country::Netherlands,
                2026,
                "2026-05-25",
                Some("Tweede Pinksterdag"),
            ),
            (
                Country::Netherlands,
                2025,
                "2025-05-05",
                Some("Bevrijdingsdag"),
            ),
            (Country::Netherlands, 2026, "2026-05-05", None),
        ];
        for (country, year, date, expected) in table {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
            let found = holidays(country, year)
                .into_iter()
                .find(|(d, _)| *d == date)
                .map(|(_, n)| n);
            assert_eq!(found, expected, "{country:?} {date}");
        }
    }

    #[test]
    fn business_time_skips_weekends_and_holidays() {
        let h = Duration::hours;
        let table = [
            // Monday noon + 24 h: Tuesday noon.
            (se(), "2026-11-16 12:00", h(24), "2026-11-17 12:00 Tue", 0),
            // Friday 15:00 + 24 h: Monday 15:00, the weekend skipped.
            (se(), "2026-11-20 15:00", h(24), "2026-11-23 15:00 Mon", 2),
            // Submitted on a Saturday: the clock starts on Monday.
            (se(), "2026-11-21 10:00", h(24), "2026-11-24 00:00 Tue", 2),
            // Easter 2026: Thursday 14:00 + 24 h skips Good Friday to Easter Monday.
            (se(), "2026-04-02 14:00", h(24), "2026-04-07 14:00 Tue", 4),
            // Midsummer 2026: Thursday 18 June + 24 h skips Fri–Sun.
            (se(), "2026-06-18 09:00", h(24), "2026-06-22 09:00 Mon", 3),
            // New Year: 31 Dec is off in Sweden, so is 1 Jan.
            (se(), "2026-12-30 10:00", h(24), "2027-01-04 10:00 Mon", 4),
            (nl(), "2026-12-31 10:00", h(24), "2027-01-04 10:00 Mon", 3),
            // King's Day 2026 is a Monday: Friday + 24 h lands on Tuesday.
            (nl(), "2026-04-24 16:00", h(24), "2026-04-28 16:00 Tue", 3),
            // 72 business hours from Wednesday: the next Monday, same time.
            (nl(), "2026-11-18 11:30", h(72), "2026-11-23 11:30 Mon", 2),
            // Across the end of summer time (Sunday 25 Oct 2026): Friday
            // 10:00 local + 24 h is Monday 10:00 local, not 09:00 or 11:00.
            (se(), "2026-10-23 10:00", h(24), "2026-10-26 10:00 Mon", 2),
            (nl(), "2026-03-27 10:00", h(24), "2026-03-30 10:00 Mon", 2),
        ];
        for (cal, start, business, expected, skipped) in table {
            let (end, days) = cal.add(local(&cal, start), business);
            assert_eq!(show(&cal, end), expected, "{start} + {business}");
            assert_eq!(days.len(), skipped, "days skipped from {start}: {days:?}");
        }
    }

    /// Properties over many pseudo-random starts and lengths (seeded, so a
    /// failure reproduces): deadlines never fall inside a day off, business
    /// time counted back is what was added, and pausing for business time T
    /// moves the deadline by exactly T of business time.
    #[test]
    fn business_time_properties() {
        let mut rng = StdRng::seed_from_u64(7);
        let origin = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        for cal in [se(), nl()] {
            for _ in 0..2_000 {
                let start = origin + Duration::minutes(rng.random_range(0..3 * 365 * 24 * 60));
                let business = Duration::minutes(rng.random_range(1..=96 * 60));
                let (end, _) = cal.add(start, business);
                assert!(
                    cal.day_off(cal.local_date(end - Duration::seconds(1)))
                        .is_none(),
                    "{} ends in a day off",
                    show(&cal, end)
                );
                assert_eq!(
                    cal.between(start, end),
                    business,
                    "from {}",
                    show(&cal, start)
                );

                // A pause of business length T somewhere in the middle.
                let before = Duration::minutes(rng.random_range(0..business.num_minutes()));
                let (pause_start, _) = cal.add(start, before);
                let pause = Duration::minutes(rng.random_range(1..=72 * 60));
                let (pause_end, _) = cal.add(pause_start, pause);
                let (resumed_end, _) = cal.add(pause_end, business - before);
                assert_eq!(cal.between(end, resumed_end), pause);
            }
        }
    }
}
