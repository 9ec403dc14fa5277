//! Serde shapes shared by Markdown front matter and YAML runbooks: scalars
//! read as text, `alerts:` as one name or a list, and `vars:` entries.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::model::runbook::VarSpec;

/// Any YAML scalar as text: `step_id: 3` and `default: 8080` are fine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `alerts: Foo` or `alerts: [Foo, Bar]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names(pub Vec<String>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Names;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an alert name or a list of alert names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Names, E> {
                Ok(Names(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Names, E> {
                Ok(Names(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
                let mut out = Vec::new();
                while let Some(Text(name)) = seq.next_element()? {
                    out.push(name);
                }
                Ok(Names(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VarFields {
    label: Option<Text>,
    default: Option<Text>,
    pattern: Option<Text>,
}

/// `NAME: default` or `NAME: {label: L, default: V, pattern: RE}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VarEntry(pub VarSpec);

impl<'de> Deserialize<'de> for VarEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = VarEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a default value or a map with label, default, pattern")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<VarEntry, E> {
                Ok(default_only(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<VarEntry, E> {
                Ok(default_only(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<VarEntry, E> {
                Ok(default_only(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<VarEntry, E> {
                Ok(default_only(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<VarEntry, E> {
                Ok(default_only(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<VarEntry, E> {
                Ok(VarEntry::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<VarEntry, A::Error> {
                let f = VarFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(VarEntry(VarSpec {
                    label: f.label.map(|t| t.0),
                    default: f.default.map(|t| t.0),
                    pattern: f.pattern.map(|t| t.0),
                }))
            }
        }
        d.deserialize_any(V)
    }
}

fn default_only(v: String) -> VarEntry {
    VarEntry(VarSpec {
        default: Some(v),
        ..VarSpec::default()
    })
}

pub fn var_specs(vars: BTreeMap<String, VarEntry>) -> BTreeMap<String, VarSpec> {
    vars.into_iter().map(|(k, v)| (k, v.0)).collect()
}
