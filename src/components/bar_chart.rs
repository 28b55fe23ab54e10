use leptos::prelude::*;

use crate::i18n::*;

/// One bar: its label (a week), its value (`None`: no figure, drawn as a
/// gap) and the value as the table says it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
}

/// A bar chart drawn as SVG, with the table behind it: the table is always
/// there for screen readers and shown instead of the chart by a visible
/// toggle. `line` draws a reference level across (a target).
#[component]
pub fn BarChart(
    /// What the chart shows (its caption).
    caption: Signal<String>,
    /// The table's column headings: the bars' labels, then their values.
    label_heading: Signal<String>,
    value_heading: Signal<String>,
    bars: Vec<Bar>,
    /// The value the bars' height is measured against (at least the largest).
    #[prop(optional)]
    max: Option<f64>,
    /// A level to draw across the chart, e.g. the satisfaction target.
    #[prop(optional)]
    line: Option<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let as_table = RwSignal::new(false);
    // Whole units of the SVG's own coordinates: printing integers keeps
    // Rust's float formatting out of the download.
    const HEIGHT: i64 = 100;
    const STEP: i64 = 24;
    let top = bars
        .iter()
        .filter_map(|bar| bar.value)
        .fold(max.unwrap_or(0.0), f64::max)
        .max(line.unwrap_or(0.0))
        .max(1.0);
    let width = (bars.len() as i64 * STEP).max(STEP);
    // How high `value` reaches, at least 1 for anything above nothing.
    let reach = move |value: f64| {
        let units = (value / top * HEIGHT as f64).round() as i64;
        if value > 0.0 {
            units.max(1)
        } else {
            0
        }
    };
    let rects = bars
        .iter()
        .enumerate()
        .filter_map(|(i, bar)| {
            bar.value.map(|value| {
                let height = reach(value);
                view! {
                    <rect x=i as i64 * STEP + 4 y=HEIGHT - height width=STEP - 8 height=height>
                        <title>{format!("{}: {}", bar.label, bar.text)}</title>
                    </rect>
                }
            })
        })
        .collect_view();
    let level = line.map(|level| {
        let at = HEIGHT - reach(level);
        view! { <line class="level" x1="0" x2=width y1=at y2=at/> }
    });
    let rows = bars
        .into_iter()
        .map(|bar| view! { <tr><th scope="row">{bar.label}</th><td>{bar.text}</td></tr> })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>
                <span>{move || caption.get()}</span>
                <button type="button" class="link-button" aria-pressed=move || as_table.get().to_string() on:click=move |_| as_table.update(|t| *t = !*t)>
                    {move || t_string!(i18n, chart_show_table)}
                </button>
            </figcaption>
            <svg viewBox=format!("0 0 {width} {HEIGHT}") preserveAspectRatio="none" aria-hidden="true" class:hidden=move || as_table.get()>
                {rects}
                {level}
            </svg>
            <table class:visually-hidden=move || !as_table.get()>
                <caption class="visually-hidden">{move || caption.get()}</caption>
                <thead><tr><th scope="col">{move || label_heading.get()}</th><th scope="col">{move || value_heading.get()}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}
