package ai.mlpzoo.service;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Timestamps of forecast requests: the data files' form and ISO-8601, local time. */
final class Timestamps {

    /** The form of the ETT files and of our forecasts: {@code 2017-10-24 00:00:00}. */
    private static final DateTimeFormatter SPACED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Timestamps() {}

    /**
     * @param text {@code 2017-10-24 00:00:00} or {@code 2017-10-24T00:00[:00]}
     * @param where the field, for the message
     * @return the time
     * @throws BadRequestException naming the field and the forms accepted
     */
    static LocalDateTime parse(String text, String where) {
        if (text == null) {
            throw new BadRequestException(where + " is null");
        }
        try {
            return text.indexOf('T') >= 0
                    ? LocalDateTime.parse(text)
                    : LocalDateTime.parse(text, SPACED);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(
                    where
                            + " is not a time: '"
                            + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                            + "'; use 2017-10-24 00:00:00 or 2017-10-24T00:00:00");
        }
    }

    static String format(LocalDateTime t) {
        return SPACED.format(t);
    }
}
