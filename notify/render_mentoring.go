package notify

import "github.com/konullu/konullu"

// The youth programme's messages (issue 15): mentors, hour corrections and
// recommendation letters. They are kept here and added to the catalogs at
// start so that the programme's parts do not all edit one table.
func init() {
	texts := map[konullu.Language]struct {
		titles, bodies map[konullu.NotificationKind]string
	}{
		konullu.LanguageAz: {
			titles: map[konullu.NotificationKind]string{
				konullu.NotifyMentorAssigned:     "Sizin mentorunuz: {name}",
				konullu.NotifyMenteeAssigned:     "Yeni könüllüyə mentor oldunuz: {name}",
				konullu.NotifyCorrectionApproved: "Saat düzəlişiniz təsdiqləndi",
				konullu.NotifyCorrectionRejected: "Saat düzəlişiniz rədd edildi",
				konullu.NotifyLetterIssued:       "Sizə tövsiyə məktubu yazıldı",
			},
			bodies: map[konullu.NotificationKind]string{
				konullu.NotifyMentorAssigned:     "{name} proqramda sizin mentorunuzdur: suallarınızla ona müraciət edin. İlk növbənizi birlikdə seçə bilərsiniz.",
				konullu.NotifyMenteeAssigned:     "Siz {name} üçün mentorsunuz. Tətbiqdə «Mentiləriniz» bölməsində onun növbələrini və saatlarını görəcəksiniz; ilk növbəni birlikdə sifariş edə bilərsiniz.",
				konullu.NotifyCorrectionApproved: "{centre} mərkəzində {when} başlayan «{position}» növbəsi üçün göndərdiyiniz düzəliş təsdiqləndi; saatlarınız yeniləndi.",
				konullu.NotifyCorrectionRejected: "{centre} mərkəzində {when} başlayan «{position}» növbəsi üçün göndərdiyiniz düzəliş rədd edildi.",
				konullu.NotifyLetterIssued:       "{name} sizin üçün tövsiyə məktubu yazdı. Onu tətbiqdə «Məktublar» bölməsindən yükləyə bilərsiniz.",
			},
		},
		konullu.LanguageEn: {
			titles: map[konullu.NotificationKind]string{
				konullu.NotifyMentorAssigned:     "Your mentor: {name}",
				konullu.NotifyMenteeAssigned:     "You now mentor {name}",
				konullu.NotifyCorrectionApproved: "Your hour correction was approved",
				konullu.NotifyCorrectionRejected: "Your hour correction was rejected",
				konullu.NotifyLetterIssued:       "You received a recommendation letter",
			},
			bodies: map[konullu.NotificationKind]string{
				konullu.NotifyMentorAssigned:     "{name} is your mentor in the programme: ask them anything. You can pick your first shift together.",
				konullu.NotifyMenteeAssigned:     "You are {name}'s mentor. \"My mentees\" in the app shows their shifts and hours, and you can book their first shift together.",
				konullu.NotifyCorrectionApproved: "Your correction of the {position} shift at {centre}, {when}, was approved and your hours were updated.",
				konullu.NotifyCorrectionRejected: "Your correction of the {position} shift at {centre}, {when}, was rejected.",
				konullu.NotifyLetterIssued:       "{name} wrote you a recommendation letter. Download it from \"Letters\" in the app.",
			},
		},
		konullu.LanguageRu: {
			titles: map[konullu.NotificationKind]string{
				konullu.NotifyMentorAssigned:     "Ваш наставник: {name}",
				konullu.NotifyMenteeAssigned:     "Вы стали наставником: {name}",
				konullu.NotifyCorrectionApproved: "Исправление часов одобрено",
				konullu.NotifyCorrectionRejected: "Исправление часов отклонено",
				konullu.NotifyLetterIssued:       "Вам написали рекомендательное письмо",
			},
			bodies: map[konullu.NotificationKind]string{
				konullu.NotifyMentorAssigned:     "{name} — ваш наставник в программе: обращайтесь с любыми вопросами. Первую смену можно выбрать вместе.",
				konullu.NotifyMenteeAssigned:     "Вы наставник волонтёра {name}. В разделе «Мои подопечные» видны его смены и часы; первую смену можно записать вместе.",
				konullu.NotifyCorrectionApproved: "Ваше исправление смены «{position}» в центре «{centre}», {when}, одобрено; часы обновлены.",
				konullu.NotifyCorrectionRejected: "Ваше исправление смены «{position}» в центре «{centre}», {when}, отклонено.",
				konullu.NotifyLetterIssued:       "{name} написал(а) вам рекомендательное письмо. Скачайте его в разделе «Письма» приложения.",
			},
		},
	}
	for lang, t := range texts {
		c := catalogs[lang]
		for k, v := range t.titles {
			c.titles[k] = v
		}
		for k, v := range t.bodies {
			c.bodies[k] = v
		}
	}
}
