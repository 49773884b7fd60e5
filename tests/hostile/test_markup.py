"""The driver's own eyes: what it counts as markup that runs, and how it reads a form. Without these, a test
that finds nothing could simply be blind."""

from tests.hostile.markup import read_page, runnable_markup


def test_scripts_event_handlers_and_javascript_links_from_the_input_are_found():
    html = (
        '<p><script>alert("hostile")</script></p><img src=x onerror=alert(1)>'
        '<input value="" autofocus onfocus="alert(1)" x=""><a href=" JavaScript:alert(1)">x</a>'
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>'
    )
    assert len(runnable_markup(html)) == 5


def test_escaped_input_and_data_islands_are_not_markup_that_runs():
    html = (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        '<input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">'
        '<textarea>&lt;svg onload=alert(1)&gt;</textarea><a href="/?q=javascript:alert(1)">x</a>'
        '<script type="application/json">{"name": "alert(1)"}</script><script src="/static/x.js"></script>'
    )
    assert runnable_markup(html) == []


def test_a_form_is_read_with_its_fields_options_and_current_values():
    page = read_page(
        "/hantera/x/",
        '<form method="post" action="spara/"><input type="hidden" name="version" value="3">'
        '<input name="title" value="R&amp;D"><textarea name="note">\nrad ett\nrad två</textarea>'
        '<select name="kind"><option value="">---</option><option value="a" selected>A</option><option>b</select>'
        '<input type="radio" name="status" value="on"><input type="radio" name="status" value="off" checked>'
        '<input type="checkbox" name="places" value="1" checked><input type="checkbox" name="places" value="2">'
        '<button type="submit" name="action" value="save">Spara</button></form>',
    )
    (form,) = page.forms
    fields = form.fields
    assert (form.action, form.method) == ("/hantera/x/spara/", "post")
    assert (fields["version"].value, fields["title"].value, fields["note"].value) == ("3", "R&D", "rad ett\nrad två")
    assert (fields["kind"].options, fields["kind"].checked) == (["", "a", "b"], ["a"])
    assert (fields["status"].options, fields["status"].checked) == (["on", "off"], ["off"])
    assert (fields["places"].options, fields["places"].checked) == (["1", "2"], ["1"])
    assert fields["action"].options == ["save"]
