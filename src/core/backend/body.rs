//! What the module reads from JSON it did not write: one struct for every
//! answer of the three back ends (success and error bodies alike), their
//! user objects, and the caller's credentials. One struct for all answers
//! keeps the derived code, compiled once per deserializer, small; which
//! members matter is each dialect's business.

use serde::Deserialize;

use crate::core::field::{Field, Members, Scalar, Secret, Shape};
use crate::object_shape;

/// An answer of any back end. Every member may be absent or mistyped.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Body {
    // PORTOS
    #[serde(rename = "tokenId")]
    pub token_id: Field<String>,
    #[serde(rename = "refreshToken")]
    pub refresh_token: Field<String>,
    pub user: Field<User>,
    // CashDesk
    pub token: Field<String>,
    pub token_expires_at: Field<String>,
    // MetaDefender
    #[serde(rename = "accessToken")]
    pub access_token: Field<String>,
    #[serde(rename = "accessTokenExpiryTime")]
    pub access_token_expiry_time: Field<String>,
    #[serde(rename = "refreshTokenExpiryTime")]
    pub refresh_token_expiry_time: Field<String>,
    #[serde(rename = "userName")]
    pub user_name: Field<String>,
    #[serde(rename = "fullName")]
    pub full_name: Field<String>,
    pub email: Field<String>,
    pub role: Field<f64>,
    // Error bodies: ProblemDetails and MetaDefender's
    pub title: Field<String>,
    pub detail: Field<String>,
    #[serde(rename = "traceId")]
    pub trace_id: Field<String>,
    #[serde(rename = "errorCode")]
    pub error_code: Field<Scalar>,
    #[serde(rename = "responseKey")]
    pub response_key: Field<Scalar>,
    #[serde(rename = "responseMessage")]
    pub response_message: Field<String>,
    pub message: Field<String>,
    pub errors: Field<FieldErrors>,
}

/// A user object: PORTOS's `UserProfileContext` or CashDesk's `user`.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct User {
    pub id: Field<String>,
    #[serde(rename = "userName")]
    pub user_name: Field<String>,
    pub name: Field<String>,
    pub email: Field<String>,
    pub rights: Field<Vec<String>>,
    pub device: Field<Device>,
    // CashDesk
    pub uuid: Field<String>,
    pub full_name: Field<String>,
}

/// PORTOS's cash register of a user.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Device {
    pub name: Field<String>,
    #[serde(rename = "envName")]
    pub env_name: Field<String>,
    pub description: Field<String>,
    pub settings: Field<Members<String>>,
}

/// One entry of PORTOS's validation list.
#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(default)]
pub struct ErrorItem {
    #[serde(rename = "memberName")]
    pub member_name: Field<String>,
    pub message: Field<String>,
    pub code: Field<Scalar>,
}

object_shape!(User, Device, ErrorItem);

/// `errors` of an error body: PORTOS's `[{memberName, message, code}]` or
/// ASP.NET's `{"Field": ["message", …]}` (a lone string for a list, too).
#[derive(Debug, PartialEq)]
pub enum FieldErrors {
    List(Vec<ErrorItem>),
    Dict(Vec<(String, Vec<String>)>),
}

impl Shape for FieldErrors {
    fn from_seq<'de, A: serde::de::SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Field<ErrorItem>>()? {
            items.extend(item.given());
        }
        Ok(Some(FieldErrors::List(items)))
    }

    fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        let Some(Members(members)) = Members::<Messages>::from_map(map)? else { return Ok(None) };
        let fields = members.into_iter().map(|(name, messages)| (name, messages.given().map_or_else(Vec::new, |m| m.0))).collect();
        Ok(Some(FieldErrors::Dict(fields)))
    }
}

/// The messages of one field: a list of strings, or one string.
#[derive(Debug)]
struct Messages(Vec<String>);

impl Shape for Messages {
    fn from_string(s: String) -> Option<Self> {
        Some(Messages(vec![s]))
    }

    fn from_seq<'de, A: serde::de::SeqAccess<'de>>(seq: A) -> Result<Option<Self>, A::Error> {
        Ok(Vec::<String>::from_seq(seq)?.map(Messages))
    }
}

/// The caller's credentials, the members of all three dialects in one; the
/// dialect says which it takes. Each is wiped when dropped.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Credentials {
    /// The object's own member names, to refuse unknown ones.
    #[serde(skip)]
    pub names: Vec<String>,
    pub user_name: Field<Secret>,
    pub password: Field<Secret>,
    pub device_name: Field<Secret>,
    pub email: Field<Secret>,
}

impl crate::core::field::Named for Credentials {
    fn set_names(&mut self, names: Vec<String>) {
        self.names = names;
    }
}

impl Credentials {
    /// A member by its JavaScript name; `Absent` for a name no dialect takes.
    pub fn get(&self, name: &str) -> &Field<Secret> {
        match name {
            "userName" => &self.user_name,
            "password" => &self.password,
            "deviceName" => &self.device_name,
            "email" => &self.email,
            _ => &Field::Absent,
        }
    }
}
