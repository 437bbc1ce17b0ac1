{
  "document": {
    "type": "APL",
    "version": "2024.2",
    "theme": "dark",
    "extensions": [
      {
        "name": "DataStore",
        "uri": "alexaext:datastore:10"
      }
    ],
    "settings": {
      "DataStore": {
        "dataBindings": [
          {
            "namespace": "our_rituals",
            "key": "widget",
            "dataBindingName": "ourRituals",
            "dataType": "OBJECT"
          }
        ]
      }
    },
    "background": "#2B2233",
    "mainTemplate": {
      "parameters": [
        "payload"
      ],
      "items": [
        {
          "type": "TouchWrapper",
          "width": "100vw",
          "height": "100vh",
          "bind": [
            {
              "name": "shown",
              "value": "${ourRituals.title ? ourRituals : payload.widget}"
            }
          ],
          "onPress": [
            {
              "type": "SendEvent",
              "when": "${!shown.hasQuestion}",
              "arguments": [
                "start",
                "TonightsQuestionIntent"
              ]
            }
          ],
          "item": {
            "type": "Container",
            "width": "100%",
            "height": "100%",
            "paddingLeft": "6vw",
            "paddingRight": "6vw",
            "paddingTop": "6vh",
            "paddingBottom": "6vh",
            "items": [
              {
                "type": "Text",
                "text": "${shown.title}",
                "style": "textStyleDetail",
                "color": "#F4EDE4B3",
                "maxLines": 1
              },
              {
                "type": "Text",
                "text": "${shown.questionTitle}",
                "style": "textStyleDetail",
                "color": "#E8B4A0",
                "paddingTop": "3vh",
                "maxLines": 1,
                "display": "${shown.hasQuestion ? 'normal' : 'none'}"
              },
              {
                "type": "Text",
                "text": "${shown.question}",
                "grow": 1,
                "shrink": 1,
                "style": "${shown.hasQuestion ? 'textStyleBody' : 'textStyleHint'}",
                "color": "#FAFAFA",
                "paddingTop": "2vh",
                "maxLines": 5
              },
              {
                "type": "Container",
                "direction": "column",
                "paddingTop": "2vh",
                "items": [
                  {
                    "type": "Text",
                    "text": "${shown.jar}",
                    "style": "textStyleDetail",
                    "color": "#F4EDE4",
                    "maxLines": 2
                  },
                  {
                    "type": "Text",
                    "text": "${shown.checkIn}",
                    "style": "textStyleDetail",
                    "color": "#F4EDE4",
                    "paddingTop": "1vh",
                    "maxLines": 2
                  }
                ]
              }
            ]
          }
        }
      ]
    }
  },
  "datasources": {
    "widget": {
      "title": "Our Rituals",
      "questionTitle": "Tonight's question",
      "question": "Say: Alexa, ask our rituals for tonight's question.",
      "hasQuestion": false,
      "jarCount": 0,
      "jar": "Your jar is empty. Add a question any time.",
      "checkIn": "Your weekly check-in is there when you want it."
    }
  }
}
