#!/usr/bin/env python3
"""Modules that make cross-resource predicates quadratic when they are not indexed per scope
(docs/performance.md, "Predicates indexed per scope"; not a test).

    python bench/predicate_modules.py DIR    # writes DIR/{fw,cw,ev,iam,doc}/main.tf
    python -m analyzer scan DIR/cw --account-scope -f json --no-cache

fw: 2,000 google_compute_firewall on one network (every tenth a deny that covers nothing, so
each allow rule looks for a winning deny in vain). cw: 1,000 metric filters + 1,000 alarms
without alarm_actions (no filter passes, every filter looks for its alarm). ev: 1,000
EventBridge rules + 1,000 targets, half naming another rule. iam: 2,000 users with login
profiles, policy attachments and policies named in the attachment ARN. doc: 2,000 policies
whose policy is a data.aws_iam_policy_document's json.
"""
from __future__ import annotations

import os
import sys


def main(root: str) -> None:
    def write(name: str, text: str) -> None:
        os.makedirs(os.path.join(root, name), exist_ok=True)
        with open(os.path.join(root, name, "main.tf"), "w") as handle:
            handle.write(text)

    fw = ['resource "google_compute_network" "net" {\n  name = "net"\n}\n']
    for i in range(2000):
        kind = "deny" if i % 10 == 0 else "allow"
        fw.append(f'''resource "google_compute_firewall" "fw{i}" {{
  name = "fw{i}"
  network = google_compute_network.net.name
  priority = {1000 + (i % 50)}
  source_ranges = ["0.0.0.0/0"]
  target_tags = ["t{i % 7}"]
  {kind} {{
    protocol = "{'udp' if kind == 'deny' else 'tcp'}"
    ports = ["{22 if i % 3 else 3389}", "{8000 + i}"]
  }}
}}
''')
    write("fw", "".join(fw))
    cw = ['resource "aws_cloudwatch_log_group" "lg" {\n  name = "trail"\n}\n']
    for i in range(1000):
        cw.append(f'''resource "aws_cloudwatch_log_metric_filter" "f{i}" {{
  name = "f{i}"
  log_group_name = aws_cloudwatch_log_group.lg.name
  pattern = "{{ ($.eventName = ConsoleLogin) && ($.errorMessage = \\"Failed authentication\\") }}"
  metric_transformation {{
    name = "m{i}"
    namespace = "CIS"
    value = "1"
  }}
}}
resource "aws_cloudwatch_metric_alarm" "a{i}" {{
  alarm_name = "a{i}"
  metric_name = {"aws_cloudwatch_log_metric_filter.f%d.metric_transformation[0].name" % i if i % 2 else '"m%d"' % i}
  namespace = "CIS"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods = 1
  period = 300
  statistic = "Sum"
  threshold = 1
  ok_actions = ["arn:aws:sns:us-east-1:123456789012:alerts"]
}}
''')
    write("cw", "".join(cw))
    ev = []
    for i in range(1000):
        ev.append(f'''resource "aws_cloudwatch_event_rule" "r{i}" {{
  name = "r{i}"
  state = "{'ENABLED' if i % 2 == 0 else 'DISABLED'}"
  event_pattern = jsonencode({{ source = ["aws.signin"], "detail-type" = ["AWS Console Sign In via CloudTrail"] }})
}}
resource "aws_cloudwatch_event_target" "t{i}" {{
  rule = {"aws_cloudwatch_event_rule.r%d.name" % i if i % 2 else '"other%d"' % i}
  arn = "arn:aws:sns:us-east-1:123456789012:alerts"
}}
''')
    write("ev", "".join(ev))
    iam = []
    for i in range(2000):
        iam.append(f'''resource "aws_iam_policy" "p{i}" {{
  name = "p{i}"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }}] }})
}}
resource "aws_iam_user" "u{i}" {{
  name = "u{i}"
}}
resource "aws_iam_user_login_profile" "lp{i}" {{
  user = aws_iam_user.u{i}.name
}}
resource "aws_iam_user_policy_attachment" "at{i}" {{
  user = aws_iam_user.u{i}.name
  policy_arn = "arn:aws:iam::123456789012:policy/p{i}"
}}
''')
    write("iam", "".join(iam))
    doc = []
    for i in range(2000):
        doc.append(f'''data "aws_iam_policy_document" "d{i}" {{
  statement {{
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b{i}/*"]
  }}
}}
resource "aws_iam_policy" "p{i}" {{
  name   = "p{i}"
  policy = data.aws_iam_policy_document.d{i}.json
}}
''')
    write("doc", "".join(doc))


if __name__ == "__main__":
    main(sys.argv[1])
