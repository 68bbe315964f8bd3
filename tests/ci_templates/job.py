#!/usr/bin/env python3
"""job.py KIND TEMPLATE OUTDIR -- turn a CI template of docs/ci/ into shell
scripts that run its commands here (tests/ci_templates/run.sh runs them).

KIND github: TEMPLATE is a GitHub Actions workflow with one job; its env
(workflow and job level, then each step's) is exported, each `run:` step
becomes OUTDIR/step-NN.sh, run by OUTDIR/job.sh with the step's shell
(`shell: bash`: bash --noprofile --norc -eo pipefail, as GitHub does), in
order, stopping at the first failing step with its exit status.  `uses:`
steps cannot run here: each is listed on standard output as "skip: ACTION"
and run.sh accepts only the ones it knows (checkout: the current directory
is the port's repository; upload-artifact: run.sh checks the file).
KIND gitlab: TEMPLATE is a .gitlab-ci.yml with one job; its variables
(global, then the job's) are exported, before_script then script run in one
bash -eo pipefail (a failing command fails the job), OUTDIR/job.sh.
A variable already set in the environment wins over the template's value
(the documented substitution: run.sh sets PORT_CMD, LIBBCE_GIT, LIBBCE_REF).
Every script first sources OUTDIR/stand_ins.sh if it exists.
"""
import os
import shlex
import sys

import yaml


def env_lines(env):
    out = []
    for k, v in env.items():
        v = "" if v is None else str(v)
        out.append('export %s="${%s-%s}"' % (k, k, v.replace("\\", "\\\\").replace('"', '\\"')
                                             .replace("$", "\\$").replace("`", "\\`")))
    return out


def write(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(path, 0o755)


def main():
    kind, template, outdir = sys.argv[1:]
    doc = yaml.safe_load(open(template))
    pre = ['[ -f "%s/stand_ins.sh" ] && . "%s/stand_ins.sh"' % (outdir, outdir)]
    if kind == "github":
        jobs = doc["jobs"]
        if len(jobs) != 1:
            sys.exit("%s: %d jobs, expected one" % (template, len(jobs)))
        (name, job), = jobs.items()
        env = dict(doc.get("env") or {})
        env.update(job.get("env") or {})
        shell = ((job.get("defaults") or {}).get("run") or {}).get("shell")
        job_sh = ["#!/bin/bash", "# job %s of %s" % (name, template)]
        n = 0
        for step in job["steps"]:
            if "uses" in step:
                print("skip: %s" % step["uses"].split("@")[0])
                continue
            n += 1
            sh = step.get("shell", shell)
            if sh != "bash":
                sys.exit("%s: step %d: shell %r, expected bash" % (template, n, sh))
            senv = dict(env)
            senv.update(step.get("env") or {})
            path = os.path.join(outdir, "step-%02d.sh" % n)
            write(path, env_lines(senv) + pre + [step["run"]])
            job_sh += ['echo "::step %d: %s"' % (n, step.get("name", "")),
                       "bash --noprofile --norc -eo pipefail %s || exit" % shlex.quote(path)]
            print("step %d: %s" % (n, step.get("name", "")))
        write(os.path.join(outdir, "job.sh"), job_sh)
    elif kind == "gitlab":
        reserved = {"variables", "stages", "default", "include", "image", "services",
                    "workflow", "before_script", "after_script", "cache"}
        jobs = {k: v for k, v in doc.items() if k not in reserved and not k.startswith(".")}
        if len(jobs) != 1:
            sys.exit("%s: %d jobs, expected one" % (template, len(jobs)))
        (name, job), = jobs.items()
        env = dict(doc.get("variables") or {})
        env.update(job.get("variables") or {})
        lines = list(job.get("before_script") or []) + list(job["script"])
        print("job %s: %d commands" % (name, len(lines)))
        write(os.path.join(outdir, "commands.sh"), env_lines(env) + pre + lines)
        write(os.path.join(outdir, "job.sh"),
              ["#!/bin/bash", "bash -eo pipefail %s" % shlex.quote(os.path.join(outdir, "commands.sh"))])
    else:
        sys.exit("job.py: KIND is github or gitlab")


if __name__ == "__main__":
    main()
