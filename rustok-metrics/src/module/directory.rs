//! Every module of the process: configured, or live with its families.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use super::declared::declared;
use super::families::ModuleMetrics;
use super::name::checked;
use super::settings::Settings;
use super::writer::ModuleFamilies;
use crate::TelemetryError;
use crate::lock::lock;
use crate::registry::{Adopted, adopt};

enum Slot {
    /// Settings chosen, families not made yet.
    Configured(Settings),
    Live(&'static ModuleMetrics),
}

static MODULES: LazyLock<Mutex<HashMap<String, Slot>>> = LazyLock::new(Mutex::default);

/// The families of `module`, created on first use.
///
/// ```
/// let families = rustok_metrics::by_hand::module_metrics("docs_module")?;
/// assert_eq!(families.name(), "docs_module");
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] when `module` is not `[a-z][a-z0-9_]*`.
pub fn module_metrics(module: &str) -> Result<&'static ModuleMetrics, TelemetryError> {
    checked(module).map(live)
}

/// The families of a module whose name is already known to be valid,
/// created with its settings on first use. Takes no registry lock: the
/// families are adopted, so this is safe while a render is gathering.
pub(crate) fn live(module: &str) -> &'static ModuleMetrics {
    let mut modules = lock(&MODULES);
    let settings = match (modules.get(module), declared(module)) {
        (Some(Slot::Live(metrics)), _) => return metrics,
        (_, Some(declared)) => declared.settings(),
        (Some(Slot::Configured(settings)), None) => settings.clone(),
        (None, None) => Settings::default(),
    };
    let metrics = ModuleMetrics::create(module, settings);
    adopt(Adopted::Ours(Box::leak(Box::new(ModuleFamilies::new(
        metrics,
    )))));
    modules.insert(module.to_owned(), Slot::Live(metrics));
    metrics
}

/// Changes a module's settings, unless they are declared or its families
/// already exist.
pub(super) fn configure(
    module: &str,
    change: impl FnOnce(&mut Settings),
) -> Result<(), TelemetryError> {
    if declared(module).is_some() {
        return Err(TelemetryError::ModuleDeclared {
            module: module.to_owned(),
        });
    }
    let mut modules = lock(&MODULES);
    let slot = modules
        .entry(module.to_owned())
        .or_insert_with(|| Slot::Configured(Settings::default()));
    match slot {
        Slot::Live(_) => Err(TelemetryError::ModuleInUse {
            module: module.to_owned(),
        }),
        Slot::Configured(settings) => {
            change(settings);
            Ok(())
        }
    }
}
