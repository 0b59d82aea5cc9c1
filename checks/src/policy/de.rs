//! The serde side of policy parsing: the raw document as JSON spells it, and the visitors
//! for the "one or many" shapes. Visitors (rather than `#[serde(untagged)]`) keep serde's
//! precise messages ("invalid type: integer `1`, expected a string").

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{Conditions, Effect, Principal, PrincipalMap, Scope, Statement};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDocument {
    #[serde(rename = "Version", default)]
    pub version: Option<String>,
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    #[serde(rename = "Statement", deserialize_with = "statements")]
    pub statements: Vec<RawStatement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStatement {
    #[serde(rename = "Sid", default)]
    sid: Option<String>,
    #[serde(rename = "Effect")]
    effect: Effect,
    #[serde(rename = "Principal", default)]
    principal: Option<PrincipalValue>,
    #[serde(rename = "NotPrincipal", default)]
    not_principal: Option<PrincipalValue>,
    #[serde(rename = "Action", default)]
    action: Option<Strings>,
    #[serde(rename = "NotAction", default)]
    not_action: Option<Strings>,
    #[serde(rename = "Resource", default)]
    resource: Option<Strings>,
    #[serde(rename = "NotResource", default)]
    not_resource: Option<Strings>,
    #[serde(rename = "Condition", default)]
    condition: Option<BTreeMap<String, BTreeMap<String, ConditionValues>>>,
}

fn pair<T>(name: &str, only: Option<T>, except: Option<T>) -> Result<Option<Scope<T>>, String> {
    match (only, except) {
        (Some(_), Some(_)) => Err(format!("has both {name} and Not{name}")),
        (Some(v), None) => Ok(Some(Scope::Only(v))),
        (None, Some(v)) => Ok(Some(Scope::AllExcept(v))),
        (None, None) => Ok(None),
    }
}

impl RawStatement {
    pub(super) fn validate(self) -> Result<Statement, String> {
        let condition: Conditions = self
            .condition
            .unwrap_or_default()
            .into_iter()
            .map(|(op, keys)| (op, keys.into_iter().map(|(k, v)| (k, v.0)).collect()))
            .collect();
        Ok(Statement {
            sid: self.sid,
            effect: self.effect,
            principal: pair("Principal", self.principal.map(|p| p.0), self.not_principal.map(|p| p.0))?,
            action: pair("Action", self.action.map(|s| s.0), self.not_action.map(|s| s.0))?,
            resource: pair("Resource", self.resource.map(|s| s.0), self.not_resource.map(|s| s.0))?,
            condition,
        })
    }
}

/// A string or a list of strings.
pub(super) struct Strings(pub Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(vec![v.to_string()])
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(out)
            }
        }
        d.deserialize_any(V).map(Strings)
    }
}

/// `deserialize_with` for a `Vec<String>` field that may be a string or a list.
pub(super) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Strings::deserialize(d).map(|s| s.0)
}

/// `Statement`: one object or a list of objects.
fn statements<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<RawStatement>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<RawStatement>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a statement object or a list of statement objects")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            RawStatement::deserialize(de::value::MapAccessDeserializer::new(map)).map(|s| vec![s])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(MapOnly(s)) = seq.next_element::<MapOnly<RawStatement>>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V)
}

/// A struct that must be written as a JSON object (serde would also accept an array of
/// its fields in order, which no policy grammar allows).
pub(super) struct MapOnly<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData)).map(MapOnly)
    }
}

/// `Principal`: `"*"` or a map.
struct PrincipalValue(Principal);

impl<'de> Deserialize<'de> for PrincipalValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Principal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"*\" or a map of AWS, Service, Federated, CanonicalUser")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v == "*" {
                    Ok(Principal::Everyone)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                PrincipalMap::deserialize(de::value::MapAccessDeserializer::new(map)).map(Principal::Map)
            }
        }
        d.deserialize_any(V).map(PrincipalValue)
    }
}

/// A condition value: string, boolean, number, or a list of those.
struct ConditionValues(Vec<String>);

impl<'de> Deserialize<'de> for ConditionValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Scalar(String);
        impl<'de> Deserialize<'de> for Scalar {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(ScalarVisitor).map(Scalar)
            }
        }
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, boolean or number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, boolean, number or a list of those")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                ScalarVisitor.visit_str(v).map(|s| vec![s])
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                ScalarVisitor.visit_bool(v).map(|s| vec![s])
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                ScalarVisitor.visit_i64(v).map(|s| vec![s])
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                ScalarVisitor.visit_u64(v).map(|s| vec![s])
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                ScalarVisitor.visit_f64(v).map(|s| vec![s])
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Scalar(s)) = seq.next_element::<Scalar>()? {
                    out.push(s);
                }
                Ok(out)
            }
        }
        d.deserialize_any(V).map(ConditionValues)
    }
}
