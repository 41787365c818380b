//! Integration names: every valid one, and every way to be invalid, with the reason.

use crate::contract::NameRejection;
use proptest::char::range;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use std::ops::RangeInclusive;

/// The documented limit, written out here rather than taken from the validator, so that the
/// strategies do not follow a mistake made there.
const MAX_LENGTH: usize = 64;

/// Every ASCII punctuation character the rule forbids: all of them but `-` and `_`.
const FORBIDDEN_PUNCTUATION: &[char] = &[
    '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '.', '/', ':', ';', '<', '=', '>', '?', '@', '[',
    '\\', ']', '^', '`', '{', '|', '}', '~',
];

/// Whitespace, ASCII and beyond.
const WHITESPACE: &[char] =
    &[' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{a0}', '\u{2003}', '\u{2028}', '\u{3000}', '\u{feff}'];

/// Letters outside ASCII, and characters that look like allowed ones but are not: Cyrillic
/// `а`, `е`, `о`, full-width `ａ`, `Ａ`, `０`, `－` and `＿`, `é`, `ß`, dotless `ı`, `İ`, the
/// `ﬁ` ligature, the hyphen, non-breaking hyphen and minus sign, a combining accent, a
/// zero-width space, and an emoji.
const LOOK_ALIKES: &[char] = &[
    '\u{430}',
    '\u{435}',
    '\u{43e}',
    '\u{ff41}',
    '\u{ff21}',
    '\u{ff10}',
    '\u{ff0d}',
    '\u{ff3f}',
    'é',
    'ß',
    'ı',
    'İ',
    '\u{fb01}',
    '\u{2010}',
    '\u{2011}',
    '\u{2212}',
    '\u{301}',
    '\u{200b}',
    '\u{1f600}',
];

/// Pieces that mean something in a URL, each starting with a forbidden character: a client or
/// server that forgets to percent-encode, or decodes twice, gets these names wrong. `%41` is
/// `A` and `%2F` is `/` when decoded once too often.
const URL_TRAPS: &[&str] =
    &["/", "?", "#", "%", "..", "../", "/..", "%2F", "%2f", "%41", "%25", "%2e%2e", "%00", "?x=1", "#top", "+", "&"];

/// A valid integration name: 1 to 64 characters of `a-z`, `0-9`, `-` and `_`.
///
/// It covers the whole valid space: every length from 1 to 64 (names at and next to the
/// 64-character limit are generated often), every character class, and names made only of dashes
/// and underscores. It shrinks to a one-letter name.
///
/// ```
/// use proptest::prelude::*;
/// use zis_contract::strategy::valid_integration_name;
/// use zis_contract::IntegrationName;
///
/// proptest!(ProptestConfig::with_cases(32), |(name in valid_integration_name())| {
///     let parsed = IntegrationName::parse(name.clone())?;
///     prop_assert_eq!(parsed.oauth_identifier(), format!("zis_{name}"));
/// });
/// ```
pub fn valid_integration_name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => name_of(allowed_character(), 1..=MAX_LENGTH),
        2 => name_of(allowed_character(), MAX_LENGTH - 1..=MAX_LENGTH),
        1 => name_of(prop_oneof![Just('-'), Just('_')], 1..=MAX_LENGTH),
    ]
}

/// A string that is not a valid integration name; see
/// [`invalid_integration_name_with_reason`] for what it covers and for the reason it is invalid.
///
/// ```
/// use proptest::prelude::*;
/// use zis_contract::strategy::invalid_integration_name;
/// use zis_contract::IntegrationName;
///
/// proptest!(ProptestConfig::with_cases(32), |(name in invalid_integration_name())| {
///     prop_assert!(IntegrationName::parse(name).is_err());
/// });
/// ```
pub fn invalid_integration_name() -> impl Strategy<Value = String> {
    invalid_integration_name_with_reason().prop_map(|(name, _)| name)
}

/// A string that is not a valid integration name, with the [`NameRejection`] the rule gives it.
///
/// It covers every way to be wrong: the empty name; names of 65 characters and far longer (up
/// to 300); an upper-case letter; each forbidden ASCII punctuation character; whitespace;
/// control characters; letters outside ASCII and look-alikes (Cyrillic `а`, full-width `ａ`,
/// `é`, `ß`, dotless `ı`, ...); and `/`, `?`, `#`, `%`, `..` and percent escapes such as `%2F`
/// inside names.
///
/// The reason is known by construction, not computed by the validator: a name with a bad
/// character is a valid prefix, the bad character, then anything, so the reason names that
/// character and its position (counted in characters from 1). The prefix may be longer than 64
/// characters, because the rule checks characters before length.
///
/// It shrinks to the empty name, or to a single offending character.
///
/// ```
/// use proptest::prelude::*;
/// use zis_contract::strategy::invalid_integration_name_with_reason;
/// use zis_contract::NameRejection;
///
/// proptest!(ProptestConfig::with_cases(32), |((name, reason) in invalid_integration_name_with_reason())| {
///     prop_assert_eq!(NameRejection::of(&name), Some(reason));
/// });
/// ```
pub fn invalid_integration_name_with_reason() -> impl Strategy<Value = (String, NameRejection)> {
    prop_oneof![
        1 => Just((String::new(), NameRejection::Empty)),
        2 => offending_at_known_position(range('A', 'Z').prop_map(String::from)),
        4 => offending_at_known_position(forbidden_start()),
        2 => too_long_name(),
    ]
}

/// Whether `name` is `"."` or `".."`, which a URL cannot carry as a path segment: URL parsers
/// remove such segments before the request is sent (see the [module docs](super)).
///
/// ```
/// use zis_contract::strategy::is_dot_segment;
///
/// assert!(is_dot_segment(".."));
/// assert!(!is_dot_segment("a..b"));
/// ```
pub fn is_dot_segment(name: &str) -> bool {
    matches!(name, "." | "..")
}

/// One character a name may hold, each class (letter, digit, `-`, `_`) often.
fn allowed_character() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => range('a', 'z'),
        2 => range('0', '9'),
        1 => Just('-'),
        1 => Just('_'),
    ]
}

fn name_of(characters: impl Strategy<Value = char>, length: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    vec(characters, length).prop_map(String::from_iter)
}

/// A piece of text whose first character is forbidden and not an ASCII upper-case letter.
fn forbidden_start() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        select(FORBIDDEN_PUNCTUATION),
        select(WHITESPACE),
        prop_oneof![range('\0', '\u{1f}'), Just('\u{7f}'), range('\u{80}', '\u{9f}')],
        select(LOOK_ALIKES),
        any::<char>().prop_filter("an allowed or upper-case character", |character| {
            !character.is_ascii_alphanumeric() && !matches!(character, '-' | '_')
        }),
    ];
    prop_oneof![character.prop_map(String::from), select(URL_TRAPS).prop_map(String::from)]
}

/// A valid prefix, then `offender` (which starts with the offending character), then anything.
fn offending_at_known_position(
    offender: impl Strategy<Value = String>,
) -> impl Strategy<Value = (String, NameRejection)> {
    let prefix = vec(allowed_character(), 0..=MAX_LENGTH + 8);
    let anything = prop_oneof![allowed_character(), range('A', 'Z'), any::<char>()];
    (prefix, offender, vec(anything, 0..=8)).prop_map(|(prefix, offender, suffix)| {
        let position = prefix.len() + 1;
        let character = offender.chars().next().expect("an offender is never empty");
        let reason = if character.is_ascii_uppercase() {
            NameRejection::UpperCase { character, position }
        } else {
            NameRejection::ForbiddenCharacter { character, position }
        };
        let name = prefix.into_iter().chain(offender.chars()).chain(suffix).collect();
        (name, reason)
    })
}

/// A name of allowed characters only, 65 to 300 of them (often 65 or 66).
fn too_long_name() -> impl Strategy<Value = (String, NameRejection)> {
    let just_over = MAX_LENGTH + 1..=MAX_LENGTH + 2;
    let far_over = MAX_LENGTH + 1..=300;
    prop_oneof![name_of(allowed_character(), just_over), name_of(allowed_character(), far_over)]
        .prop_map(|name| (name.clone(), NameRejection::TooLong { length: name.chars().count() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_punctuation_is_all_ascii_punctuation_but_dash_and_underscore() {
        let expected: Vec<char> = (' '..='~')
            .filter(|character| character.is_ascii_punctuation() && !matches!(character, '-' | '_'))
            .collect();
        assert_eq!(FORBIDDEN_PUNCTUATION, expected.as_slice());
    }

    #[test]
    fn every_url_trap_starts_with_a_forbidden_character() {
        for trap in URL_TRAPS {
            let first = trap.chars().next().unwrap();
            assert!(FORBIDDEN_PUNCTUATION.contains(&first), "{trap:?}");
        }
    }

    #[test]
    fn look_alikes_and_whitespace_are_neither_allowed_nor_upper_case() {
        for character in LOOK_ALIKES.iter().chain(WHITESPACE) {
            assert!(!character.is_ascii_alphanumeric() && !matches!(character, '-' | '_'), "{character:?}");
        }
    }
}
