def test_pages_are_never_cached_and_carry_a_request_id(db, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert len(response["X-Request-ID"]) == 32


def test_a_client_request_id_is_kept_only_when_well_formed(db, client):
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123").headers["X-Request-ID"] == "abc-123"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>").headers["X-Request-ID"] != "<script>"


def test_error_reports_mask_my_number_parameters(rf):
    from jumin.core.reporting import JuminExceptionReporterFilter

    request = rf.post("/entry/move_in/submit/", {"persons-0-my_number": "123456789018", "event_date": "R7.4.1"})
    params = JuminExceptionReporterFilter().get_post_parameters(request)
    assert params["persons-0-my_number"] != "123456789018" and params["event_date"] == "R7.4.1"
