//! Two declarations of one module's settings: which holds would depend on
//! link order, so rendering refuses until one is left. A binary of its own,
//! since every render in it fails.

use rustok_metrics::TelemetryError;
use rustok_metrics::settings::{ModuleSettings, declare};

declare!(ModuleSettings::new("it_declared_twice").label_cap(8));
declare!(ModuleSettings::new("it_declared_twice").classic_only());
declare!(ModuleSettings::new("it_declared_once").classic_only());

#[test]
fn a_module_declared_twice_is_an_error_at_render() {
    let err = rustok_metrics::render_metrics().unwrap_err();
    assert!(
        matches!(&err, TelemetryError::DuplicateSettings { modules } if modules == &["it_declared_twice"]),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("declare each module's settings once"),
        "{err}"
    );
}
