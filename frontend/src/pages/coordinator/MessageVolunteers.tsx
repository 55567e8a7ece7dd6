// A coordinator's message to the volunteers of a shift, or of the centre's
// shifts in a period (the week shown): the server delivers it in-app, by
// email and through the SMS gateway as each volunteer chose.
import { useState } from 'react';
import { useMutation } from '../../api/hooks';
import { MessageVolunteersDocument, type MessageInput } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, Field } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';

export function MessageVolunteers({ target, lead }: { target: Pick<MessageInput, 'shiftId' | 'centreId' | 'from' | 'to'>; lead: string }) {
  const { t } = useI18n();
  const [send, state] = useMutation(MessageVolunteersDocument);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [sent, setSent] = useState<number | null>(null);
  const { fieldError, formError } = useApiFormErrors(state.error, ['subject', 'body'], {
    subject: 'message.subject.hint',
    body: 'message.body.hint',
  });
  return (
    <Card aria-labelledby="message-heading" className="message-card">
      <h2 id="message-heading" className="card-title">
        {t('message.title')}
      </h2>
      <p className="muted">{lead}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setSent(null);
          const d = await send({ input: { ...target, subject, body } });
          if (d) {
            setSent(d.messageVolunteers.recipients);
            setSubject('');
            setBody('');
          }
        }}
      >
        <Field label={t('message.subject')} error={fieldError('subject')}>
          {(p) => <input {...p} name="subject" value={subject} maxLength={150} required onChange={(e) => setSubject(e.target.value)} />}
        </Field>
        <Field label={t('message.body')} error={fieldError('body')}>
          {(p) => <textarea {...p} name="body" rows={4} value={body} maxLength={2000} required onChange={(e) => setBody(e.target.value)} />}
        </Field>
        <FormError error={formError} />
        {sent !== null && <Alert tone="success" title={t('message.sent', { count: sent })} />}
        <Button type="submit" variant="primary" busy={state.pending}>
          {t('message.send')}
        </Button>
      </form>
    </Card>
  );
}
