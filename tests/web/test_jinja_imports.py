"""``QuickImportTemplate`` answers imports exactly as Jinja's own template class does."""

from jinja2 import DictLoader, Environment, Template

from webapp.jinja_imports import QuickImportTemplate

TEMPLATES = {
    "macros.html": "{% macro hello() %}hello {{ who|default('nobody') }}{% endmacro %}",
    "page.html": "{% from 'macros.html' import hello %}{{ hello() }}",
    "with_globals.html": "{% import 'macros.html' as m with context %}{{ m.hello() }}",
}


def environment(template_class: type[Template]) -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    env.template_class = template_class
    env.globals["site"] = "pathways"
    return env


def test_an_import_renders_the_same_as_with_jinjas_class():
    for name in ("page.html", "with_globals.html"):
        for globals_ in ({}, {"who": "a template global"}):
            ours = environment(QuickImportTemplate).get_template(name, globals=globals_)
            theirs = environment(Template).get_template(name, globals=globals_)
            assert ours.render(who="a variable") == theirs.render(who="a variable")


def test_the_cached_module_is_reused_when_the_importer_brings_no_new_globals():
    env = environment(QuickImportTemplate)
    macros = env.get_template("macros.html")
    env.get_template("page.html").render()
    cached = macros.module
    env.get_template("page.html").render()
    assert macros.module is cached
    assert macros._get_default_module(env.get_template("page.html").new_context()) is cached


def test_an_importer_with_globals_of_its_own_gets_a_fresh_module_that_sees_them():
    env = environment(QuickImportTemplate)
    macros = env.get_template("macros.html")
    importer = env.get_template("with_globals.html", globals={"who": "a template global"})
    module = macros._get_default_module(importer.new_context())
    assert module is not macros.module
    assert str(module.hello()) == "hello a template global"
    assert importer.render() == "hello a template global"
