//! `grounds man`: man pages generated from the CLI definition.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use grounds::outputs::{default_workspace, Protected};

/// Print the man page (roff) on stdout, or write one page per subcommand.
///
/// The top page refers to `grounds-sample(1)` and the others: write them all
/// with --out and put the folder on MANPATH.
///
/// Example: grounds man --out man/ && MANPATH=man: man grounds-sample
///
/// Or one page on stdout: grounds man > grounds.1 && man ./grounds.1
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write grounds.1 and a grounds-COMMAND.1 for every subcommand into this
    /// folder (created if missing) instead of printing the top page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args, command: clap::Command) -> anyhow::Result<ExitCode> {
    let Some(dir) = args.out else {
        clap_mangen::Man::new(command).render(&mut std::io::stdout())?;
        return Ok(ExitCode::SUCCESS);
    };
    let protected = Protected::of_workspace(&default_workspace());
    protected.check(&dir)?;
    for name in std::iter::once("grounds".to_string()).chain(
        command
            .get_subcommands()
            .map(|s| format!("grounds-{}", s.get_name())),
    ) {
        protected.check(&dir.join(format!("{name}.1")))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    clap_mangen::generate_to(command, &dir)
        .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
    let pages = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("grounds") && name.ends_with(".1")
        })
        .count();
    println!("wrote {pages} man pages to {}", dir.display());
    Ok(ExitCode::SUCCESS)
}
