//! Every fixed scenario answers with its fixture, byte for byte, on ZisServer and on wiremock.

mod common;

use serde_json::json;
use zis_contract::{Scenario, ZisServer, fixtures};

const FIXTURE_SCENARIOS: [Scenario; 9] = [
    Scenario::Created,
    Scenario::BadRequest,
    Scenario::Unauthorized,
    Scenario::ServerError,
    Scenario::Conflict,
    Scenario::Forbidden,
    Scenario::NameUnavailable,
    Scenario::RateLimited,
    Scenario::ServiceUnavailable,
];

async fn assert_answers_with_fixture(base: &str, scenario: Scenario) {
    let fixture = fixtures::get(scenario.name()).expect("every fixture scenario has a fixture file");

    let response = common::create(base, "my_integration").send().await.unwrap();

    assert_eq!(response.status().as_u16(), fixture.response.status, "{scenario}: status");
    for (name, value) in &fixture.response.headers {
        assert_eq!(
            response.headers().get(name).and_then(|v| v.to_str().ok()),
            Some(value.as_str()),
            "{scenario}: {name}"
        );
    }
    let body = response.bytes().await.unwrap();
    assert_eq!(body.as_ref(), fixture.response.body.to_bytes(), "{scenario}: body bytes");
}

#[tokio::test]
async fn each_scenario_on_zis_server_answers_with_its_fixture() {
    for scenario in FIXTURE_SCENARIOS {
        let zis = ZisServer::builder().scenario(scenario).start().await;
        assert_answers_with_fixture(&zis.uri(), scenario).await;
        zis.verify().await;
    }
}

#[tokio::test]
async fn each_scenario_mounted_on_wiremock_answers_with_its_fixture() {
    for scenario in FIXTURE_SCENARIOS {
        let server = scenario.start().await;
        assert_answers_with_fixture(&server.uri(), scenario).await;
    }
}

#[tokio::test]
async fn documented_scenarios_answer_the_documentation_verbatim() {
    // Written from the documentation's examples, independently of the fixture files.
    let error = |code: &str, status: &str, message: &str| json!({ "errors": [{ "code": code, "detail": "error message", "status": status }], "message": message });
    let documented = [
        (
            Scenario::Created,
            200,
            json!({
                "description": "example integration",
                "jwt_public_key": "The RSA Public Key to be saved",
                "zendesk_oauth_client": { "id": 10066, "identifier": "zis_my_integration", "secret": "secret" }
            }),
        ),
        // The documented 400 example's message reads "Unauthorized"; the fixture keeps it.
        (Scenario::BadRequest, 400, error("1010", "400", "Unauthorized")),
        (Scenario::Unauthorized, 401, error("1001", "401", "Unauthorized")),
        (Scenario::ServerError, 500, error("1050", "500", "Server Error")),
    ];
    for (scenario, status, body) in documented {
        let zis = ZisServer::builder().scenario(scenario).start().await;

        let answer = common::status_and_json(common::create(&zis.uri(), "my_integration")).await;

        assert_eq!(answer, (status, body), "{scenario}");
    }
}

#[tokio::test]
async fn fixed_scenarios_on_wiremock_match_only_create_integration() {
    let server = Scenario::Created.start().await;

    let other_path = reqwest::Client::new().post(format!("{}/api/v2/tickets", server.uri())).send().await.unwrap();
    let other_method = reqwest::Client::new()
        .delete(format!("{}{}", server.uri(), common::registry_path("my_integration")))
        .send()
        .await
        .unwrap();

    assert_eq!(other_path.status(), 404);
    assert_eq!(other_method.status(), 404);
}

#[tokio::test]
async fn the_contract_scenario_on_wiremock_enforces_the_contract() {
    let server = Scenario::Contract.start().await;

    let created = common::status_and_json(common::create(&server.uri(), "acme")).await;
    let again = common::status_and_json(common::create(&server.uri(), "acme")).await;
    let bad_name = common::status_and_json(common::create(&server.uri(), "Acme")).await;

    assert_eq!(created.0, 200);
    assert_eq!(created.1["zendesk_oauth_client"]["identifier"], "zis_acme");
    assert_eq!(again.0, 409);
    assert_eq!(bad_name.0, 400);
}

#[test]
#[should_panic(expected = "wiremock cannot serve the connection_reset scenario")]
fn transport_faults_are_refused_by_wiremock_with_a_pointer_to_zis_server() {
    let _ = Scenario::ConnectionReset.mock();
}

#[test]
fn scenario_names_parse_back_and_unknown_names_list_the_known_ones() {
    for scenario in Scenario::ALL {
        assert_eq!(scenario.name().parse::<Scenario>(), Ok(scenario));
    }
    let err = "teapot".parse::<Scenario>().unwrap_err().to_string();
    assert!(err.starts_with("unknown scenario \"teapot\"; the scenarios are: contract, created, bad_request"), "{err}");
}

#[test]
fn fixed_scenarios_reply_as_their_fixture_plays_back() {
    for scenario in Scenario::ALL {
        let (Some(fixture), Some(reply)) = (scenario.fixture(), scenario.reply()) else { continue };

        let played_back = zis_contract::Reply::from(&fixture.response);

        assert_eq!(reply.status, played_back.status, "{scenario}");
        assert_eq!(reply.headers, played_back.headers, "{scenario}");
        assert_eq!(reply.body, played_back.body, "{scenario}");
    }
}
