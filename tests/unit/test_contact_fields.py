from planner.contacts.fields import split_lines, split_topics


def test_lines_and_topics_are_trimmed_and_deduplicated() -> None:
    lines = split_lines(" a@x.example \n\n b@x.example\na@x.example")
    assert lines == ["a@x.example", "b@x.example"]
    assert split_topics("Barcamps, Employer Branding; HR,,Barcamps") == [
        "Barcamps",
        "Employer Branding",
        "HR",
    ]
