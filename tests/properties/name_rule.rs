//! The name validator agrees with a reference definition of the documented rule, written here
//! from the documentation alone: "up to 64 characters long. It can only include lower-case
//! letters (a-z), numbers, dash (-), and underscore (_) characters", plus the crate's stated
//! order (characters first, each named with its 1-based position, then length).

use crate::support::{config, regressions};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use zis_contract::strategy::{invalid_integration_name_with_reason, valid_integration_name};
use zis_contract::{IntegrationName, NameRejection};

const REGRESSIONS: &str = regressions!("name_rule.txt");

const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz0123456789-_";
const UPPER_CASE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The rule, from the documentation.
fn reference_rejection(name: &str) -> Option<NameRejection> {
    let characters: Vec<char> = name.chars().collect();
    if characters.is_empty() {
        return Some(NameRejection::Empty);
    }
    if let Some(index) = characters.iter().position(|character| !ALPHABET.contains(*character)) {
        let (character, position) = (characters[index], index + 1);
        return Some(if UPPER_CASE.contains(character) {
            NameRejection::UpperCase { character, position }
        } else {
            NameRejection::ForbiddenCharacter { character, position }
        });
    }
    (characters.len() > 64).then_some(NameRejection::TooLong { length: characters.len() })
}

/// Strings close to valid names: allowed characters only, or with one other character put in
/// at any place; as often as not at or next to the 64-character limit.
fn near_valid() -> impl Strategy<Value = String> {
    let allowed = select(ALPHABET.chars().collect::<Vec<_>>());
    let allowed_only = prop_oneof![vec(allowed.clone(), 0..=20), vec(allowed, 62..=66)];
    let other = prop_oneof![select(UPPER_CASE.chars().collect::<Vec<_>>()), any::<char>()];
    (allowed_only, option::of((any::<Index>(), other))).prop_map(|(mut characters, mutation)| {
        if let Some((place, character)) = mutation {
            characters.insert(place.index(characters.len() + 1), character);
        }
        String::from_iter(characters)
    })
}

/// Any text, control characters included, and near-valid names. Arbitrary strings are made of
/// `any::<char>()` rather than taken from `any::<String>()`: proptest builds `String`s from a
/// regular expression, and those do not shrink to a short counterexample.
fn any_string() -> impl Strategy<Value = String> {
    prop_oneof![vec(any::<char>(), 0..=80).prop_map(String::from_iter), near_valid()]
}

#[test]
fn the_validator_agrees_with_the_reference_on_any_string() {
    proptest!(config(REGRESSIONS), |(name in any_string())| {
        // Act
        let rejection = NameRejection::of(&name);
        let parsed = IntegrationName::parse(name.clone());

        // Assert
        prop_assert_eq!(&rejection, &reference_rejection(&name));
        match parsed {
            Ok(parsed) => {
                prop_assert_eq!(rejection, None);
                prop_assert_eq!(parsed.as_str(), name.as_str());
            }
            Err(err) => prop_assert_eq!(Some(err), rejection),
        }
    });
}

#[test]
fn every_generated_valid_name_is_valid() {
    proptest!(config(REGRESSIONS), |(name in valid_integration_name())| {
        prop_assert_eq!(reference_rejection(&name), None, "the strategy made {:?}", name);
        prop_assert_eq!(NameRejection::of(&name), None);
    });
}

#[test]
fn every_generated_invalid_name_is_rejected_for_the_reason_it_was_built_with() {
    proptest!(config(REGRESSIONS), |((name, reason) in invalid_integration_name_with_reason())| {
        prop_assert_eq!(reference_rejection(&name), Some(reason.clone()), "the strategy's reason for {:?}", name);
        prop_assert_eq!(NameRejection::of(&name), Some(reason));
    });
}
