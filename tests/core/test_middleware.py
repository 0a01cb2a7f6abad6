def test_pages_are_never_cached_and_carry_a_request_id(db, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert len(response["X-Request-ID"]) == 32


def test_a_client_request_id_is_kept_only_when_well_formed(db, client):
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123").headers["X-Request-ID"] == "abc-123"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>").headers["X-Request-ID"] != "<script>"
