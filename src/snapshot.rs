//! Snapshots: the inventory `rampart collect` saves and `audit --snapshot` reads back.

use std::path::Path;

use rampart_checks::inventory::{Inventory, SNAPSHOT_VERSION};

use crate::error::RunError;
use crate::output;
use crate::settings::Destination;

/// Reads a snapshot, refusing one of another version or one that is not auditable.
pub fn load(path: &Path) -> Result<Inventory, RunError> {
    let err = |message: String| RunError::Snapshot { path: path.to_path_buf(), message };
    let open = || std::fs::File::open(path).map(std::io::BufReader::new).map_err(|e| err(e.to_string()));
    // Read the version alone first (other fields are skipped, not built), so that a
    // snapshot of another version gets a clear message rather than a field error. Both
    // passes stream from the file: a large snapshot is never held as text.
    struct Version {
        snapshot_version: Option<u64>,
    }
    // By hand rather than derived: a derived struct also accepts a JSON array (`[1]`).
    impl<'de> serde::Deserialize<'de> for Version {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Version;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object with a snapshot_version")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Version, A::Error> {
                    let mut snapshot_version = None;
                    while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                        if key == "snapshot_version" {
                            snapshot_version = Some(map.next_value::<u64>()?);
                        } else {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                    Ok(Version { snapshot_version })
                }
            }
            d.deserialize_map(Visit)
        }
    }
    let version = serde_json::from_reader::<_, Version>(open()?)
        .map_err(|e| match e.classify() {
            serde_json::error::Category::Data => err(format!("not a Rampart snapshot: {e}")),
            serde_json::error::Category::Io => err(e.to_string()),
            _ => err(format!("not JSON: {e}")),
        })?
        .snapshot_version;
    match version {
        Some(v) if v == u64::from(SNAPSHOT_VERSION) => {}
        Some(v) if v < u64::from(SNAPSHOT_VERSION) => {
            return Err(err(format!(
                "snapshot version {v} was written by an older Rampart (this one reads version {SNAPSHOT_VERSION}): collect it again with `rampart collect`"
            )));
        }
        Some(v) => return Err(err(format!("snapshot version {v} is not supported (this Rampart reads version {SNAPSHOT_VERSION})"))),
        None => return Err(err("not a Rampart snapshot (no snapshot_version)".into())),
    }
    let inventory: Inventory = serde_json::from_reader(open()?).map_err(|e| err(format!("invalid snapshot: {e}")))?;
    inventory.validate().map_err(|why| err(format!("not auditable: {why}")))?;
    Ok(inventory)
}

/// Writes `inventory` as a snapshot to `to`, whole or not at all.
pub fn write(inventory: &Inventory, to: &Destination) -> Result<(), RunError> {
    output::write_with(to, |w| {
        serde_json::to_writer(&mut *w, inventory)?;
        w.write_all(b"\n")
    })
}
