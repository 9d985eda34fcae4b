//! JUnit XML (the Ant/Jenkins dialect CI servers read): a `<testsuite>` per file, a `<testcase>` per DaemonSet with
//! one `<failure>` listing its findings at the failing level (errors for `check`, warnings for `lint`; info findings
//! go to `<system-out>`); a file that could not be read is a test case with an `<error>`.

use super::{Finding, Report, Severity};

/// XML 1.0 text: `&`, `<`, `>`, quotes escaped; characters XML cannot carry replaced by U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn line(f: &Finding) -> String {
    f.text()
}

struct Case {
    name: String,
    failure: Vec<String>,
    error: Vec<String>,
    out: Vec<String>,
    kind: String,
}

/// The JUnit document of a report.
pub fn document(report: &Report) -> String {
    let failing = if report.command == "lint" {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for file in &report.files {
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.file() == file.file)
            .collect();
        let mut cases: Vec<Case> = Vec::new();
        let loose: Vec<&&Finding> = findings.iter().filter(|f| f.object.is_none()).collect();
        if !loose.is_empty() || file.objects.is_empty() {
            cases.push(Case {
                name: format!("{} (file)", file.file),
                failure: Vec::new(),
                error: loose
                    .iter()
                    .filter(|f| f.level() == Severity::Error)
                    .map(|f| line(f))
                    .collect(),
                out: loose
                    .iter()
                    .filter(|f| f.level() != Severity::Error)
                    .map(|f| line(f))
                    .collect(),
                kind: loose.first().map(|f| f.rule.clone()).unwrap_or_default(),
            });
        }
        for object in &file.objects {
            let mine: Vec<&&Finding> = findings
                .iter()
                .filter(|f| f.object.as_ref() == Some(object))
                .collect();
            let failed: Vec<&&Finding> = mine
                .iter()
                .copied()
                .filter(|f| f.level() >= failing)
                .collect();
            cases.push(Case {
                name: format!("DaemonSet {} (line {})", object.display(), object.line),
                kind: failed.first().map(|f| f.rule.clone()).unwrap_or_default(),
                failure: failed.iter().map(|f| line(f)).collect(),
                error: Vec::new(),
                out: mine
                    .iter()
                    .filter(|f| f.level() < failing)
                    .map(|f| line(f))
                    .collect(),
            });
        }
        let suite_failures = cases.iter().filter(|c| !c.failure.is_empty()).count();
        let suite_errors = cases.iter().filter(|c| !c.error.is_empty()).count();
        tests += cases.len();
        failures += suite_failures;
        errors += suite_errors;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"{suite_errors}\" skipped=\"0\">\n",
            escape(&file.file),
            cases.len()
        ));
        for case in &cases {
            suites.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\"",
                escape(&case.name),
                escape(&file.file)
            ));
            if case.failure.is_empty() && case.error.is_empty() && case.out.is_empty() {
                suites.push_str("/>\n");
                continue;
            }
            suites.push_str(">\n");
            for (tag, lines) in [("failure", &case.failure), ("error", &case.error)] {
                if lines.is_empty() {
                    continue;
                }
                let message = if lines.len() == 1 {
                    "1 problem".to_owned()
                } else {
                    format!("{} problems", lines.len())
                };
                suites.push_str(&format!(
                    "      <{tag} message=\"{message}\" type=\"{}\">{}</{tag}>\n",
                    escape(&case.kind),
                    escape(&lines.join("\n"))
                ));
            }
            if !case.out.is_empty() {
                suites.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape(&case.out.join("\n"))
                ));
            }
            suites.push_str("    </testcase>\n");
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"daemonset {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n",
        report.command
    )
}
