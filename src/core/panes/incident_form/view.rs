//! The declare/attach form and the status-update composer, in a box over
//! the body.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};

use crate::core::panes::incident_form::Focus;
use crate::core::State;
use crate::draw::text::{fill_row, put_segs, seg};
use crate::draw::theme::Theme;
use crate::sanitize::fit;

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(form) = &state.iform else { return };
    if area.width < 10 || area.height < 5 {
        return;
    }
    let w = area.width.saturating_sub(2).min(96);
    let extra = if form.attach.is_empty() {
        0
    } else {
        form.attach.len() as u16 + 2
    };
    let h = (form.fields.len() as u16 + 7 + extra).min(area.height);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    Block::bordered()
        .border_style(theme.border)
        .style(theme.text)
        .render(rect, buf);
    let inner = Rect::new(
        rect.x + 2,
        rect.y + 1,
        rect.width.saturating_sub(4),
        rect.height.saturating_sub(2),
    );
    let iw = inner.width as usize;
    put_segs(
        buf,
        inner,
        inner.y,
        &[seg(fit(&form.heading, iw), theme.title)],
    );
    let mut y = inner.y + 2;
    let focus = form.focused();
    for (i, f) in form.fields.iter().enumerate() {
        let here = focus == Focus::Field(i);
        let value = match (&form.editing, here) {
            (Some(t), true) => format!("{t}▏"),
            _ => f.value.clone(),
        };
        let how = if f.choices.is_empty() {
            ""
        } else {
            "  (Space cycles)"
        };
        let label = format!("{:<12}", f.label);
        put_segs(
            buf,
            inner,
            y,
            &[
                seg(if here { "› " } else { "  " }, theme.key),
                seg(label, theme.dim),
                seg(fit(&value, iw.saturating_sub(16 + how.len())), theme.text),
                seg(how, theme.dim),
            ],
        );
        if here {
            fill_row(buf, inner, y, theme.selected);
        }
        y += 1;
    }
    y += 1;
    let here = focus == Focus::Submit;
    put_segs(
        buf,
        inner,
        y,
        &[
            seg(if here { "› " } else { "  " }, theme.key),
            seg(format!("[ {} ]", form.submit), theme.title),
        ],
    );
    if here {
        fill_row(buf, inner, y, theme.selected);
    }
    y += 1;
    if !form.attach.is_empty() {
        y += 1;
        put_segs(
            buf,
            inner,
            y,
            &[seg("  … or attach to an open incident:", theme.dim)],
        );
        y += 1;
        for (i, (_, line)) in form.attach.iter().enumerate() {
            let here = focus == Focus::Attach(i);
            put_segs(
                buf,
                inner,
                y,
                &[
                    seg(if here { "› " } else { "  " }, theme.key),
                    seg(fit(line, iw.saturating_sub(2)), theme.text),
                ],
            );
            if here {
                fill_row(buf, inner, y, theme.selected);
            }
            y += 1;
        }
    }
    let foot = match &form.error {
        Some(e) => seg(fit(&format!("✗ {e}"), iw), theme.error_text),
        None => seg(
            fit("j/k move · Enter edit/choose · Space cycle · Esc close", iw),
            theme.dim,
        ),
    };
    put_segs(buf, inner, inner.bottom().saturating_sub(1), &[foot]);
}
