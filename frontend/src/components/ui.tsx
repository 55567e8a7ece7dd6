// The building blocks every page uses, so pages look and behave alike.
import {
  useEffect,
  useId,
  useRef,
  type ButtonHTMLAttributes,
  type ReactElement,
  type ReactNode,
} from 'react';
import { Link } from 'react-router';
import { useI18n, type MessageKey } from '../i18n';
import { ApiError, errorKey, qualificationName, type ErrorContext } from '../api/errors';
import { Icon, type IconName } from './icons';
import { obstacleText } from '../lib/obstacles';

/** A page: its title (also the document's), an optional lead and actions. */
export function Page({
  title,
  lead,
  actions,
  back,
  children,
  wide,
}: {
  title: string;
  lead?: ReactNode;
  actions?: ReactNode;
  back?: { to: string; label: string };
  children: ReactNode;
  wide?: boolean;
}) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      {back && (
        <Link className="back-link" to={back.to}>
          <Icon name="left" size={18} />
          {back.label}
        </Link>
      )}
      <header className="page-header">
        <div className="page-heading">
          <h1>{title}</h1>
          {lead && <p className="page-lead">{lead}</p>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </div>
  );
}

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost' | 'success';

export function Button({
  variant = 'secondary',
  size,
  busy,
  icon,
  children,
  className,
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: 'small'; busy?: boolean; icon?: IconName }) {
  return (
    <button
      type="button"
      className={['btn', `btn-${variant}`, size === 'small' ? 'btn-small' : '', className ?? ''].join(' ').trim()}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <span className="spinner spinner-inline" aria-hidden="true" /> : icon ? <Icon name={icon} size={18} /> : null}
      <span>{children}</span>
    </button>
  );
}

/** A labelled form control with its hint and error; the control gets the ids it needs. */
export function Field({
  label,
  hint,
  error,
  children,
  optional,
  id: givenId,
}: {
  id?: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  optional?: boolean;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactElement;
}) {
  const { t } = useI18n();
  const generated = useId();
  const id = givenId ?? generated;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="optional"> ({t('form.optional')})</span>}
      </label>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-describedby': describedBy, ...(error ? { 'aria-invalid': true } : {}) })}
      {error && (
        <p className="field-error" id={errorId}>
          <Icon name="alert" size={16} />
          {error}
        </p>
      )}
    </div>
  );
}

export function Alert({
  tone = 'info',
  title,
  children,
  action,
}: {
  tone?: 'info' | 'error' | 'success' | 'warning';
  title?: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  const icon: IconName = tone === 'success' ? 'check' : tone === 'info' ? 'info' : 'alert';
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon name={icon} size={20} />
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        {children && <div>{children}</div>}
      </div>
      {action && <div className="alert-action">{action}</div>}
    </div>
  );
}

/** Says what went wrong, in the chosen language. */
export function useErrorText(): (e: ApiError, context?: ErrorContext) => string {
  const { t, lang, locale } = useI18n();
  return (e, context) => {
    if (e.code === 'REQUIREMENT_NOT_MET' && e.qualifications?.length) {
      const names = e.qualifications.map((q) => qualificationName(q, lang)).join(', ');
      const allExpiring = e.expiring?.length === e.qualifications.length;
      return t(allExpiring ? 'error.REQUIREMENT_NOT_MET.expiring' : 'error.REQUIREMENT_NOT_MET.qualifications', { names });
    }
    if (e.code === 'REQUIREMENT_NOT_MET' && e.missedSessions?.length) {
      return t('error.REQUIREMENT_NOT_MET.missedSessions', { count: e.missedSessions.length });
    }
    // A refused signup names what stood in the way (which age, consent, which shift it clashes with).
    if (e.obstacle) return obstacleText(e.obstacle, lang, locale);
    return t(errorKey(e, context));
  };
}

export function ErrorAlert({ error, context, onRetry }: { error: ApiError; context?: ErrorContext; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  const retryable = ['NETWORK', 'INTERNAL', 'RATE_LIMITED', 'UNAVAILABLE'].includes(error.code);
  return (
    <Alert
      tone="error"
      title={text(error, context)}
      action={
        onRetry && retryable ? (
          <Button size="small" onClick={onRetry}>
            {t('action.retry')}
          </Button>
        ) : error.code === 'UNAUTHENTICATED' ? (
          <Link className="btn btn-secondary btn-small" to="/login">
            {t('nav.signIn')}
          </Link>
        ) : undefined
      }
    />
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('state.loading')}</span>
    </div>
  );
}

export function Empty({ icon = 'info', title, children, action }: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <span className="empty-icon">
        <Icon name={icon} size={28} />
      </span>
      <p className="empty-title">{title}</p>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

/** For a part of the product whose API has not landed on this server yet. */
export function NotAvailable({ what }: { what: MessageKey }) {
  const { t } = useI18n();
  return (
    <Empty icon="hourglass" title={t('state.notAvailable.title')}>
      <p>{t('state.notAvailable.text', { what: t(what) })}</p>
    </Empty>
  );
}

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'brand';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A modal dialog on the native <dialog>: focus is kept inside and Escape closes it. */
export function Dialog({
  open,
  title,
  onClose,
  children,
  footer,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <DialogClose onClose={onClose} />
      </div>
      <div className="dialog-body">{children}</div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </dialog>
  );
}

function DialogClose({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="icon-btn" onClick={onClose} aria-label={t('action.close')}>
      <Icon name="x" />
    </button>
  );
}

export function Card({ children, className, as: Tag = 'section', ...rest }: { children: ReactNode; className?: string; as?: 'section' | 'div' | 'article' | 'li'; 'aria-labelledby'?: string; id?: string }) {
  return (
    <Tag className={['card', className ?? ''].join(' ').trim()} {...rest}>
      {children}
    </Tag>
  );
}

/** A number with its label, for summaries. */
export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div className="stat">
      <p className="stat-label">{label}</p>
      <p className="stat-value">{value}</p>
      {hint && <p className="stat-hint">{hint}</p>}
    </div>
  );
}

/** A fill bar: how many of the places are taken. */
export function FillBar({ taken, capacity, label }: { taken: number; capacity: number; label: string }) {
  const ratio = capacity > 0 ? Math.min(1, taken / capacity) : 0;
  const tone = taken >= capacity ? 'full' : taken === 0 ? 'empty' : 'short';
  return (
    <div className={`fill fill-${tone}`} role="img" aria-label={label}>
      <span style={{ width: `${Math.round(ratio * 100)}%` }} />
    </div>
  );
}

/** A box that scrolls (a wide table, a long list): focusable by keyboard and named, so everyone can scroll it. */
export function ScrollRegion({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div className={className ?? 'table-wrap'} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
