//! `RecordMode::from_env`. The only test of its binary: setting the environment is sound only
//! while no other thread reads it.

use zis_contract::{RECORD_ENV, RecordMode};

fn set(value: Option<&str>) {
    // SAFETY: this binary runs this one test, so no other thread reads the environment.
    unsafe {
        match value {
            Some(value) => std::env::set_var(RECORD_ENV, value),
            None => std::env::remove_var(RECORD_ENV),
        }
    }
}

#[test]
fn record_modes_come_from_the_environment_and_typos_are_errors() {
    set(None);
    assert_eq!(RecordMode::from_env(), Ok(RecordMode::None), "unset");
    set(Some(" "));
    assert_eq!(RecordMode::from_env(), Ok(RecordMode::None), "empty");
    for mode in RecordMode::ALL {
        set(Some(mode.name()));
        assert_eq!(RecordMode::from_env(), Ok(mode));
    }

    set(Some("new-episodes"));
    let error = RecordMode::from_env().unwrap_err();
    set(None);

    assert_eq!(
        error.to_string(),
        "ZIS_CONTRACT_RECORD=\"new-episodes\" is not a record mode; use none, once, new_episodes or all"
    );
}
