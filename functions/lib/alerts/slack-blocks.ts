/** The Slack Block Kit message: the same for the notify-slack Lambda and for a local `--webhook`. */
import { describeMeasure, describePValue, describeReference, formatSubject } from './format.ts';
import type { AlertEvent, AlertNotification } from './types.ts';

export type SlackBlock = Record<string, unknown>;

/** An incoming-webhook body: `text` is the notification fallback, `blocks` the rich layout. */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

// Slack allows 50 blocks a message; the rest of the findings are in the report.
const MAX_EVENT_BLOCKS = 40;
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

const ICON: Record<AlertNotification['severity'], string> = {
  alert: ':rotating_light:',
  warning: ':warning:',
  resolved: ':white_check_mark:',
};

export function formatSlackBlocks(n: AlertNotification): SlackPayload {
  const header = `${ICON[n.severity]} ${n.severity.toUpperCase()}: ${n.model.name} v${n.model.version}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(header, HEADER_MAX), emoji: true } },
    {
      type: 'section',
      text: mrkdwn(
        `*Window* ${escapeMrkdwn(n.window.start)} .. ${escapeMrkdwn(n.window.end)}\n*Reference* ${escapeMrkdwn(describeReference(n))}`,
      ),
    },
    { type: 'divider' },
  ];
  for (const e of n.events.slice(0, MAX_EVENT_BLOCKS))
    blocks.push({ type: 'section', text: mrkdwn(eventText(e)) });
  const hidden = n.events.length - MAX_EVENT_BLOCKS;
  if (hidden > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${hidden} more in the report`)] });
  }
  if (n.reportUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open report' },
          url: n.reportUrl,
          action_id: 'open_report',
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`Vigil · run ${escapeMrkdwn(n.runAt)} · ${escapeMrkdwn(n.id)}`)],
  });
  return { text: formatSubject(n), blocks };
}

function eventText(e: AlertEvent): string {
  const f = e.finding;
  const status =
    e.kind === 'resolved'
      ? `resolved (was ${e.previousSeverity} since ${e.openedAt})`
      : e.kind === 'escalated'
        ? `${f.verdict}, rose from ${e.previousSeverity}`
        : e.kind === 'reminder'
          ? `${f.verdict}, still bad since ${e.openedAt}`
          : `${f.verdict}, new`;
  return [
    `*${escapeMrkdwn(f.title)}* \`${escapeMrkdwn(f.check)}\` — ${escapeMrkdwn(status)}`,
    escapeMrkdwn(f.message),
    `${escapeMrkdwn(describeMeasure(f))}`,
    `p ${escapeMrkdwn(describePValue(f))} · n ref ${f.referenceSize} / current ${f.currentSize}`,
  ].join('\n');
}

function mrkdwn(text: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: clip(text, SECTION_MAX) };
}

/** Slack reads &, < and > as markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
