//! PORTOS end to end through the public client.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn login_gives_the_seed_profile_and_profile_asks_the_server() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let session = await_js(client.login(portos_credentials())).await.unwrap();
    assert_eq!(get_str(&session, "backend").as_deref(), Some("portos"));
    assert_eq!(
        get_str(&get(&session, "user"), "name").as_deref(),
        Some("Majiteľ")
    );
    let profile = await_js(client.profile()).await.unwrap();
    assert_eq!(get_str(&profile, "userName").as_deref(), Some("999"));
    assert_eq!(count(&t, "GET /portos/api/auth").await, 1);
}
