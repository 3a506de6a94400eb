use rustok_metrics::settings::{ModuleSettings, NativeHistograms, declare};

declare!(ModuleSettings::new("ui_settings_a").duration_buckets(&[0.5, 0.1]));
declare!(ModuleSettings::new("ui_settings_b").duration_buckets(&[]));
declare!(ModuleSettings::new("ui_settings_c").label_cap(0));
declare!(ModuleSettings::new("ui_settings_d").native_histograms(NativeHistograms::new().schema(9)));
declare!(ModuleSettings::new("Content"));

fn main() {}
