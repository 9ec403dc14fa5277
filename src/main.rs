use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use oncall::cli::{Cli, Command, PageCommand, RunbookCommand, SilenceCommand};
use oncall::config::Settings;
use oncall::{commands, config, source, ui};

fn main() -> ExitCode {
    // Usage errors exit 1 (the one-shot contract is 0 / 1 / 3), help and version 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // The console and the wall poll, freeing each answer for the next: they
    // keep that memory. Serve, with no screen waiting, gives it back. A
    // one-shot command decodes once, and with glibc's defaults its big
    // buffers are mapped and given back on their own (allocator.rs).
    match cli.command {
        None | Some(Command::Wall) => oncall::allocator::keep_freed_memory(),
        Some(Command::Serve(_)) => oncall::allocator::for_serve(),
        _ => {}
    }
    // Generated from the command line's definition: no config needed.
    match &cli.command {
        Some(Command::Completions(args)) => return commands::shell::completions(args.shell),
        Some(Command::Man) => return commands::shell::man(),
        _ => {}
    }
    // `check` reports a broken config among its findings instead of stopping at it.
    if let Some(Command::Check(args)) = &cli.command {
        return match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(commands::check::run(&cli.global, args)),
            Err(e) => {
                eprintln!("oncall: cannot start the async runtime: {e}");
                ExitCode::from(1)
            }
        };
    }
    let mut settings = match config::from_args(&cli.global) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("oncall: {e}");
            return ExitCode::from(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Decoding big polls runs here; keys and frames come first.
        .on_thread_start(oncall::engine::priority::background)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("oncall: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match cli.command {
        Some(Command::Alerts(args)) => {
            for w in &settings.warnings {
                eprintln!("oncall: warning: {w}");
            }
            runtime.block_on(commands::alerts::run(&settings, &args))
        }
        Some(Command::Ack(args)) => runtime.block_on(commands::ack::ack(&settings, &args)),
        Some(Command::Unack(args)) => runtime.block_on(commands::ack::unack(&settings, &args)),
        Some(Command::Silence(cmd)) => runtime.block_on(async {
            use commands::silence;
            match cmd {
                SilenceCommand::Add(a) => silence::add(&settings, &a).await,
                SilenceCommand::List(a) => silence::list(&settings, &a).await,
                SilenceCommand::Expire(a) => silence::expire(&settings, &a).await,
                SilenceCommand::Extend(a) => silence::extend(&settings, &a).await,
            }
        }),
        Some(Command::Incident(cmd)) => runtime.block_on(commands::incident::run(&settings, &cmd)),
        Some(Command::Postmortem(args)) => commands::postmortem::run(&settings, &args),
        Some(Command::Stats(args)) => commands::stats::run(&settings, &args),
        Some(Command::Runbook(cmd)) => match cmd {
            RunbookCommand::List => commands::runbook::list(&settings),
            RunbookCommand::Show(a) => commands::runbook::show(&settings, &a),
            RunbookCommand::Run(a) if settings.read_only || settings.demo => {
                let why = if settings.demo {
                    "--demo"
                } else {
                    "--read-only"
                };
                if a.dry_run {
                    return runtime.block_on(commands::runbook::run(&settings, &a));
                }
                eprintln!("oncall: {why} runs nothing (--dry-run shows what would run)");
                ExitCode::from(1)
            }
            RunbookCommand::Run(a) => runtime.block_on(commands::runbook::run(&settings, &a)),
        },
        Some(Command::Schedule(a)) => commands::schedule::run(&settings, &a),
        Some(Command::Check(a)) => runtime.block_on(commands::check::run(&cli.global, &a)),
        Some(Command::Page(PageCommand::Test(a))) => {
            runtime.block_on(commands::page::test(&settings, &a))
        }
        Some(Command::Store(c)) => runtime.block_on(commands::store::run(&settings, &c)),
        Some(Command::Serve(a)) => {
            if settings.sources.is_empty() {
                eprint!("{}", config::no_source_help());
                return ExitCode::from(1);
            }
            runtime.block_on(oncall::serve::run(&cli.global, settings, &a))
        }
        Some(Command::Completions(a)) => commands::shell::completions(a.shell),
        Some(Command::Man) => commands::shell::man(),
        Some(Command::Wall) => {
            if settings.sources.is_empty() && !offer_demo(&mut settings) {
                return ExitCode::from(1);
            }
            // Read-only by construction: the same refusal as --read-only.
            settings.read_only = true;
            settings.wall_mode = true;
            console(settings, runtime)
        }
        None => {
            if settings.sources.is_empty() && !offer_demo(&mut settings) {
                return ExitCode::from(1);
            }
            console(settings, runtime)
        }
    }
}

/// With no source configured: explain, and on a terminal offer the demo.
fn offer_demo(settings: &mut Settings) -> bool {
    eprint!("{}", config::no_source_help());
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return false;
    }
    eprint!("\nStart the demo now? [Y/n] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    if !matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "" | "y" | "yes"
    ) {
        return false;
    }
    settings.demo = true;
    settings.sources = source::demo::specs();
    true
}

fn console(settings: Settings, runtime: tokio::runtime::Runtime) -> ExitCode {
    let mut notices = settings.warnings.clone();
    match oncall::logging::init_logging(settings.state_dir.as_ref()) {
        Ok(path) => tracing::info!(log = %path.display(), "console starting"),
        Err(e) => notices.push(format!("logging is off: {e}")),
    }
    let keymap = match oncall::core::keymap::Keymap::new(&settings.keys) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("oncall: config keys: {e}");
            return ExitCode::from(1);
        }
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let user_themes = config::config_dir().map(|d| d.join("themes"));
    let (theme, warning) = oncall::draw::theme::load_theme(
        settings.theme.as_deref(),
        user_themes.as_deref(),
        no_color,
    );
    notices.extend(warning);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {}", oncall::sanitize::line(&info.to_string()));
        previous(info);
    }));
    match runtime.block_on(ui::event_loop::run(settings, theme, keymap, notices)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oncall: {e}");
            ExitCode::from(1)
        }
    }
}
