use rustok_metrics::MetricLabel;

#[derive(MetricLabel)]
struct NotAnEnum {
    kind: String,
}

#[derive(MetricLabel)]
enum Empty {
    #[metric_label = ""]
    Blank,
    #[metric_label = 5]
    Number,
    #[metric_label(name = "x")]
    List,
}

fn main() {}
