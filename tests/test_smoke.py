def test_login_page(client):
    r = client.get("/login")
    assert r.status_code == 200
    assert b"Sign in" in r.data


def test_home_requires_login(client):
    r = client.get("/")
    assert r.status_code == 302
    assert "/login" in r.headers["Location"]


def test_member_sees_self(as_member, sample_org):
    assert as_member.get(f"/people/{sample_org.member.id}").status_code == 200
    assert as_member.get(f"/people/{sample_org.manager.id}").status_code == 403
